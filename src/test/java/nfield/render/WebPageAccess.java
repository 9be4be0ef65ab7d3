package nfield.render;

/** The package-private binary16 conversion ({@link Half}) the web page uses, for tests elsewhere. */
public final class WebPageAccess {
    private WebPageAccess() {}

    public static float roundTrip(float v) {
        return Half.value(Half.bits(v));
    }
}
