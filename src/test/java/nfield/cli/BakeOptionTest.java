package nfield.cli;

import nfield.render.VolumeBaker;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code --bake}: auto or a number. */
class BakeOptionTest {
    @Test
    void bakeOptionIsAutoOrANumber() {
        assertEquals(VolumeBaker.AUTO, FieldInputs.parseBake("auto"));
        assertEquals(96, FieldInputs.parseBake("96"));
        UserError e = assertThrows(UserError.class, () -> FieldInputs.parseBake("fine"));
        assertEquals("--bake fine: use auto or a resolution such as 128", e.getMessage());
    }
}
