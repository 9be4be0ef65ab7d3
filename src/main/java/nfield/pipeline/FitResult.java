package nfield.pipeline;

import nfield.field.FittedField;

import java.util.Map;

/**
 * What a fit returns: the fitted field, the steps it has taken in all (a resumed fit counts the
 * checkpoint's), the training time of this run, the last loss read and its named terms, figures
 * of the kind ({@code sdf}: {@code ambiguous_share}, {@code samples_drawn}, {@code refreshes};
 * radiance: {@code train_mse}, {@code train_psnr}, {@code occupancy}) and where the time went (seconds by part).
 */
public record FitResult(FittedField fitted, long steps, double seconds, double loss, Map<String, Double> terms,
                        Map<String, Double> figures, Map<String, Double> timing) {
    public FitResult {
        terms = ordered(terms);
        figures = ordered(figures);
        timing = ordered(timing);
    }

    private static Map<String, Double> ordered(Map<String, Double> m) {
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(m));
    }
}
