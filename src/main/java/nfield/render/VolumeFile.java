package nfield.render;

import nfield.compute.Backend;
import nfield.io.FieldFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/** A radiance field file loaded for the volume mode, its baker ready; holds the backend it opened until closed. */
public final class VolumeFile implements AutoCloseable {
    private final Backend backend;
    private final VolumeBaker baker;
    private final nfield.field.FittedField fitted;
    private final String up;

    /** {@code res}: 16 .. 256 or {@link VolumeBaker#AUTO}; {@code up}: "y", "z", or null for the fit's. */
    public VolumeFile(Path file, int res, String up, Supplier<Backend> backends) throws IOException {
        if (res != VolumeBaker.AUTO && (res < 16 || res > 256)) {
            throw new IllegalArgumentException("--bake " + res + ": radiance fields bake at 16 .. 256 (a grid of 4 floats a point)");
        }
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
        backend = backends.get();
        try {
            fitted = FieldFile.load(file, backend);
            baker = new VolumeBaker(fitted, res, up);
            this.up = up;
        } catch (RuntimeException | IOException e) {
            backend.close();
            throw e;
        }
    }

    public VolumeBaker baker() { return baker; }

    /** The field as loaded. */
    public nfield.field.FittedField fitted() { return fitted; }

    /** A baker of the same field at another resolution. */
    public VolumeBaker baker(int res) { return new VolumeBaker(fitted, res, up); }

    /** Whether the volume is drawn with the field's z as the viewer's up. */
    public boolean zUp() { return up == null ? fitted.radiance().zUp() : up.equals("z"); }

    @Override
    public void close() {
        backend.close();
    }
}
