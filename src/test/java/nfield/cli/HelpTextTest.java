package nfield.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command's --help renders whole: no picocli warning (an unescaped '%' in a description makes one), no raw %n. */
class HelpTextTest {
    @Test
    void everyCommandsHelpRendersWithoutAWarning() {
        List<String> names = new ArrayList<>(new CommandLine(new Main()).getSubcommands().keySet());
        names.remove("help");
        assertTrue(names.containsAll(List.of("fit", "fit-many", "poses", "mesh", "eval", "render", "view", "export", "bench", "devices")), names.toString());
        for (String name : names) {
            CliTest.Run r = CliTest.run(name, "--help");
            assertEquals(0, r.code(), name + ": " + r.err());
            String all = r.out() + r.err();
            assertFalse(all.contains("picocli WARN"), name + " --help warns: " + r.err());
            assertFalse(all.contains("%n"), name + " --help has a raw %n");
            assertTrue(r.out().startsWith("Usage: nfield " + name), name + ": " + r.out().lines().findFirst().orElse(""));
        }
        CliTest.Run top = CliTest.run("--help");
        assertFalse((top.out() + top.err()).contains("picocli WARN"), top.err());
    }
}
