package nfield.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A scene file ({@code scenes/*.json}): everything a fit needs besides the data. */
public record SceneConfig(String name, FieldConfig field, LossConfig loss, OptimizerConfig optimizer,
                          TrainConfig train, SamplingConfig sampling,
                          EikonalConfig eikonal, MarchingConfig marching) {
    public static SceneConfig parse(String source, String text) {
        ConfigNode n = new ConfigNode(source, "", Json.parse(source, text));
        String name = n.string("name", "scene", java.util.List.of());
        n.string("description", "", java.util.List.of());
        FieldConfig field = FieldConfig.parse(n.child("field"));
        LossConfig loss = LossConfig.REGISTRY.parse(n.child("loss"));
        OptimizerConfig opt = OptimizerConfig.parse(n.child("optimizer"));
        TrainConfig train = TrainConfig.parse(n.child("train"));
        SamplingConfig sampling = SamplingConfig.parse(n.child("sampling"));
        EikonalConfig eikonal = EikonalConfig.parse(n.child("eikonal"));
        MarchingConfig marching = MarchingConfig.parse(n.child("marching"));
        n.done();
        return new SceneConfig(name, field, loss, opt, train, sampling, eikonal, marching);
    }

    /** The same scene with the field {@code f}. */
    public SceneConfig withField(FieldConfig f) {
        return new SceneConfig(name, f, loss, optimizer, train, sampling, eikonal, marching);
    }

    /** The same scene with the ray-marching settings {@code m}. */
    public SceneConfig withMarching(MarchingConfig m) {
        return new SceneConfig(name, field, loss, optimizer, train, sampling, eikonal, m);
    }

    public static SceneConfig load(Path file) {
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file (scene presets live in scenes/, e.g. scenes/sdf-default.json)");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** A scene file ({@code NAME.json}) or a preset's name. */
    public static SceneConfig named(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".json") ? load(Path.of(name)) : preset(name);
    }

    /** A preset shipped in the jar ({@code scenes/NAME.json}). */
    public static SceneConfig preset(String name) {
        String res = "/scenes/" + name + ".json";
        try (InputStream in = SceneConfig.class.getResourceAsStream(res)) {
            if (in == null) throw new ConfigException("no built-in scene \"" + name + "\"");
            return parse("scenes/" + name + ".json", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException(res + ": " + e.getMessage());
        }
    }

    public ObjectNode toJson() {
        ObjectNode o = ConfigNode.newObject().put("name", name);
        o.set("field", field.toJson());
        o.set("loss", loss.toJson());
        o.set("optimizer", optimizer.toJson());
        o.set("train", train.toJson());
        o.set("sampling", sampling.toJson());
        o.set("eikonal", eikonal.toJson());
        o.set("marching", marching.toJson());
        return o;
    }
}
