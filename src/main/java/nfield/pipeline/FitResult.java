package nfield.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import nfield.config.Json;
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

    /**
     * The fit's {@code --json} "done" event: output, steps, seconds, loss, backend, then the
     * kind's figures (sdf: sign, ambiguous_share, samples_drawn; radiance: train_mse, train_psnr, occupancy).
     */
    public ObjectNode toJson(String backend) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("event", "done").put("output", fitted.name()).put("steps", steps)
                .put("seconds", seconds).put("loss", loss).put("backend", backend);
        if (fitted.isSdf()) {
            o.put("sign", fitted.meta().fittedTo().sign()).put("ambiguous_share", figures.get("ambiguous_share"))
                    .put("samples_drawn", figures.get("samples_drawn").longValue());
        } else {
            o.put("train_mse", figures.get("train_mse")).put("train_psnr", figures.get("train_psnr")).put("occupancy", figures.get("occupancy"));
        }
        return o;
    }

    private static Map<String, Double> ordered(Map<String, Double> m) {
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(m));
    }
}
