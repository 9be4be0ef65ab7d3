package nfield.cli;

import nfield.render.VolumeBaker;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code --bake}: auto or a number; {@code --appearance}: mean or a training image's index. */
class BakeOptionTest {
    @Test
    void bakeOptionIsAutoOrANumber() {
        assertEquals(VolumeBaker.AUTO, FieldInputs.parseBake("auto"));
        assertEquals(96, FieldInputs.parseBake("96"));
        UserError e = assertThrows(UserError.class, () -> FieldInputs.parseBake("fine"));
        assertEquals("--bake fine: use auto or a resolution such as 128", e.getMessage());
    }

    @Test
    void appearanceOptionIsMeanOrAnImage() {
        assertEquals(nfield.io.FieldFile.MEAN_APPEARANCE, FieldInputs.appearance("mean"));
        assertEquals(nfield.io.FieldFile.MEAN_APPEARANCE, FieldInputs.appearance(null));
        assertEquals(12, FieldInputs.appearance("12"));
        for (String bad : new String[]{"-1", "first", "1.5"}) {
            UserError e = assertThrows(UserError.class, () -> FieldInputs.appearance(bad));
            assertEquals("--appearance " + bad + ": expected mean or a training image's index K >= 0", e.getMessage());
        }
    }
}
