package nfield.data.nerf;

import java.io.IOException;

/**
 * A posed-image set ({@code transforms*.json} with its images, or a tiny-NeRF {@code .npz}) that
 * cannot be read as one. The message starts with the file's path as the user gave it, then names
 * the frame, image or array at fault and what to fix.
 */
public final class NerfFormatException extends IOException {
    public NerfFormatException(String message) {
        super(message);
    }
}
