package nfield.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** Adam (Kingma and Ba 2015, algorithm 1; defaults beta1 0.9, beta2 0.999, eps 1e-8 from sec. 2). */
public record OptimizerConfig(double lr, double beta1, double beta2, double eps, ScheduleConfig schedule) {
    public static OptimizerConfig parse(ConfigNode n) {
        n.string("type", "adam", List.of("adam"));
        double lr = n.real("lr", 1e-3, 0, 10, true);
        double b1 = n.real("beta1", 0.9, 0, 0.999999, false);
        double b2 = n.real("beta2", 0.999, 0, 0.99999999, false);
        double eps = n.real("eps", 1e-8, 0, 1, true);
        ScheduleConfig s = ScheduleConfig.REGISTRY.parse(n.child("schedule"));
        n.done();
        return new OptimizerConfig(lr, b1, b2, eps, s);
    }

    public ObjectNode toJson() {
        ObjectNode o = ConfigNode.newObject().put("type", "adam").put("lr", lr).put("beta1", beta1)
                .put("beta2", beta2).put("eps", eps);
        o.set("schedule", schedule.toJson());
        return o;
    }
}
