package nfield.pipeline.many;

import nfield.pipeline.FitControl;

import java.io.IOException;
import java.util.List;

/** Where the shapes of a many-shape fit run: this JVM's device ({@link FitMany#run}), or a Spark cluster ({@code SparkEngine}). */
public interface Engine {
    /** A factory an engine's workers open their backend with: serialisable, as it may travel to other machines. */
    interface BackendFactory extends java.util.function.Supplier<nfield.compute.Backend>, java.io.Serializable {}

    FitMany.Summary run(List<ShapeJob> jobs, FitMany.Options opt, FitControl control, FitMany.Listener listener) throws IOException;
}
