package nfield.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static nfield.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nfield export --format glsl} end to end on the Java backend (the GLSL itself is tested in nfield.export). */
class ExportGlslCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheShaderAndSaysWhatItHolds() throws IOException {
        Path scene = dir.resolve("s.json");
        Files.writeString(scene, """
                {"field": {"kind": "sdf", "encoding": {"type": "frequency", "octaves": 2},
                           "network": {"width": 16, "hidden_layers": 2, "output_scale": 0.1}},
                 "train": {"batch": 128, "steps": 5, "pool_size": 4096}}
                """);
        Path field = dir.resolve("t.nfield"), out = dir.resolve("t.glsl");
        CliTest.Run r = run("fit", "analytic:torus", "-o", field.toString(), "--backend", "java", "--config", scene.toString());
        assertEquals(0, r.code(), r.err());
        r = run("export", field.toString(), "-o", out.toString(), "--backend", "java"); // the format from the extension
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("(glsl, ") && r.err().contains("nfield_sdf and mainImage") && !r.err().contains("warning"), r.err());
        String s = Files.readString(out);
        assertTrue(s.startsWith("// t.nfield as GLSL") && s.contains("float nfield_sdf(vec3 p)") && s.contains("void mainImage("), s);
        r = run("export", field.toString(), "-o", out.toString(), "--backend", "java", "--format", "glsl");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("exists; pass --force"), r.err());
        r = run("export", "--help");
        assertTrue(r.out().contains("glsl") && r.out().contains("ShaderToy"), r.out());
    }
}
