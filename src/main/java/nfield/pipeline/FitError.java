package nfield.pipeline;

/** A fit cannot run as asked (bad data, a request that contradicts itself, a checkpoint that does not fit): the message says why and what to do. */
public final class FitError extends RuntimeException {
    public FitError(String message) {
        super(message);
    }
}
