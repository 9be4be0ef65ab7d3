package nfield.render;

/** The package-private binary16 conversion of {@link WebPage}, for tests elsewhere. */
public final class WebPageAccess {
    private WebPageAccess() {}

    public static float roundTrip(float v) {
        return WebPage.fromHalf(WebPage.half(v));
    }
}
