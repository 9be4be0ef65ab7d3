package nfield.testing;

import nfield.compute.Backend;
import nfield.config.FieldConfig;
import nfield.config.LossConfig;
import nfield.config.OptimizerConfig;
import nfield.config.ScheduleConfig;
import nfield.config.TrainConfig;
import nfield.data.analytic.AnalyticShape;
import nfield.field.Field;
import nfield.train.Adam;
import nfield.train.Loss;
import nfield.train.PoolSource;
import nfield.train.Trainer;

import java.util.SplittableRandom;

/** Small SDF fields trained briefly on the analytic torus, for tests that need a field with a surface. */
public final class TrainedFields {
    private TrainedFields() {}

    /** 250 steps of 2048 points (clamped L1, Adam 5e-3 with cosine decay), seed 3. */
    public static Field torus(FieldConfig fc, Backend b) {
        Field field = Field.of(fc, b);
        field.init(3);
        PoolSource src = new PoolSource(b, AnalyticShape.TORUS.samples(1 << 15, new SplittableRandom(4)), 1 << 15, 1, 5, "torus");
        new Trainer(field, new Loss("sdf", new LossConfig("clamped_l1", 0.1), b),
                new Adam(new OptimizerConfig(5e-3, 0.9, 0.99, 1e-15, new ScheduleConfig("cosine", 0.1, 0)), field.params(), 0),
                src, new TrainConfig(2048, 250, 0, 0, 1 << 15, 0, 250, 6)).run(null);
        return field;
    }
}
