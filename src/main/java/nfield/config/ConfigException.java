package nfield.config;

/** A configuration error whose message names the file, the key and what is allowed. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
