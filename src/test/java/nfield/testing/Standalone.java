package nfield.testing;

import nfield.compute.Backend;
import nfield.compute.ParamStore;
import nfield.field.Component;
import nfield.field.Field;

/** A component with the parameter store it is attached to. */
public record Standalone(Component component, ParamStore store) {
    /** Gives a component a store of its own on a backend (what {@link Field} does for a field). */
    public static Standalone of(Component c, Backend b) {
        ParamStore s = new ParamStore(b, c.paramCount());
        c.attach(s, 0, "");
        return new Standalone(c, s);
    }

    public static Standalone of(Field f) {
        return new Standalone(f, f.params());
    }
}
