package nfield.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Config sections chosen by their {@code "type"} key. An unknown type fails by listing the
 * known names. Tests loop over {@link #names()} so that registering a component is enough
 * to get it gradient-checked and compared across backends.
 */
public final class Registry<T> {
    private final String what;
    private final String defaultType;
    private final Map<String, Function<ConfigNode, T>> parsers = new LinkedHashMap<>();

    public Registry(String what, String defaultType) {
        this.what = what;
        this.defaultType = defaultType;
    }

    public Registry<T> register(String type, Function<ConfigNode, T> parser) {
        parsers.put(type, parser);
        return this;
    }

    /** A registry of some of these entries (same parsers) under another name and default. */
    public Registry<T> subset(String what, String defaultType, String... types) {
        Registry<T> r = new Registry<>(what, defaultType);
        for (String t : types) {
            if (!parsers.containsKey(t)) throw new IllegalArgumentException(this.what + ": no entry " + t);
            r.register(t, parsers.get(t));
        }
        return r;
    }

    public List<String> names() {
        return List.copyOf(parsers.keySet());
    }

    /** Parses an object whose {@code type} picks the entry; unknown keys are errors. */
    public T parse(ConfigNode node) {
        String type = node.string("type", defaultType, names());
        if (type == null) throw node.error(node.path() + ".type", "missing; one of " + String.join(", ", names()) + " (" + what + ")");
        T value = parsers.get(type).apply(node);
        node.done();
        return value;
    }

    /** The entry with every default: what a scene gets by naming only the type. */
    public T example(String type) {
        var parser = parsers.get(type);
        if (parser == null) throw new ConfigException(what + ": unknown type \"" + type + "\"; known: " + String.join(", ", names()));
        return parser.apply(ConfigNode.empty("(defaults)", what));
    }
}
