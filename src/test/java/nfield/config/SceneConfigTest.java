package nfield.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SceneConfigTest {
    private static String error(String json) {
        return assertThrows(ConfigException.class, () -> SceneConfig.parse("scenes/x.json", json)).getMessage();
    }

    @Test
    void everyShippedSceneParsesAndRoundTrips() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("scenes"))) {
            var list = files.filter(f -> f.toString().endsWith(".json")).toList();
            assertTrue(!list.isEmpty(), "no scenes shipped");
            for (Path f : list) {
                SceneConfig s = SceneConfig.load(f);
                assertEquals(s, SceneConfig.parse("again", Json.write(s.toJson())), f + " does not round-trip");
            }
        }
    }

    @Test
    void unknownKeyNamesFileKeyAndAllowedKeys() {
        String m = error("{\"field\": {\"network\": {\"widht\": 64}}, \"train\": {\"steps\": 10}}");
        assertEquals("scenes/x.json: field.network.widht: unknown key; allowed keys here: width, hidden_layers, "
                + "activation, skip, output_scale, init", m);
    }

    @Test
    void wrongTypeNamesWhatIsAllowed() {
        assertEquals("scenes/x.json: field.network.width: expected an integer in [1, 4096], got a string (\"64\")",
                error("{\"field\": {\"network\": {\"width\": \"64\"}}}"));
    }

    @Test
    void outOfRange() {
        assertEquals("scenes/x.json: optimizer.lr: must be in (0.0, 10.0], got -0.1",
                error("{\"optimizer\": {\"lr\": -0.1}}"));
        assertEquals("scenes/x.json: field.network.skip[0]: expected an integer in [1, 4], got a number (9)",
                error("{\"field\": {\"network\": {\"skip\": [9]}}}"));
    }

    @Test
    void unknownTypeListsTheRegistry() {
        assertEquals("scenes/x.json: field.encoding.type: unknown value \"triplane\"; allowed: identity, frequency, fourier, hash, spherical_harmonics",
                error("{\"field\": {\"encoding\": {\"type\": \"triplane\"}}}"));
        assertEquals("scenes/x.json: loss.type: unknown value \"l3\"; allowed: l2, l1, clamped_l1, huber",
                error("{\"loss\": {\"type\": \"l3\"}}"));
    }

    @Test
    void keysOfAnotherTypeAreRejected() {
        assertTrue(error("{\"field\": {\"encoding\": {\"type\": \"identity\", \"octaves\": 4}}}")
                .startsWith("scenes/x.json: field.encoding.octaves: unknown key"));
    }

    @Test
    void invalidJsonSaysWhere() {
        String m = error("{\"field\": {,}}");
        assertTrue(m.startsWith("scenes/x.json: not valid JSON (line 1, column "), m);
    }

    @Test
    void aSceneMustStopSomehow() {
        assertEquals("scenes/x.json: train: no stopping rule: set steps, seconds or target_loss",
                error("{\"train\": {\"steps\": 0}}"));
    }

    @Test
    void aColourNetworkIsForRadianceFieldsOnly() {
        assertEquals("scenes/x.json: field.color: a colour network is for radiance fields; this field's kind is sdf "
                + "(remove \"color\", or set \"kind\": \"radiance\")", error("{\"field\": {\"color\": {}}}"));
        assertEquals("scenes/x.json: field.color.direction_encoding.type: unknown value \"hash\"; allowed: "
                + "spherical_harmonics, frequency, identity",
                error("{\"field\": {\"kind\": \"radiance\", \"color\": {\"direction_encoding\": {\"type\": \"hash\"}}}}"));
        assertTrue(error("{\"field\": {\"kind\": \"radiance\", \"color\": {\"geometry_feature\": 3}}}")
                .startsWith("scenes/x.json: field.color.geometry_feature: unknown key; allowed keys here: direction_encoding, "
                        + "geometry_features, network"));
    }

    @Test
    void colourSectionDefaultsAndRoundTrip() {
        SceneConfig s = SceneConfig.parse("x", "{\"field\": {\"kind\": \"radiance\", \"color\": {}}}");
        ColorConfig c = s.field().color();
        assertEquals(new EncodingConfig.SphericalHarmonics(4), c.directionEncoding());
        assertEquals(15, c.geometryFeatures());
        assertTrue(s.field().viewDependent());
        assertEquals(s, SceneConfig.parse("again", Json.write(s.toJson())));
        SceneConfig f = SceneConfig.parse("x", "{\"field\": {\"kind\": \"radiance\", \"color\": {\"direction_encoding\": "
                + "{\"type\": \"frequency\", \"octaves\": 2}, \"geometry_features\": 0}}}");
        assertEquals(new EncodingConfig.Frequency(2, true), f.field().color().directionEncoding());
        assertEquals(f, SceneConfig.parse("again", Json.write(f.toJson())));
        // without the section: no colour network, and no "color" key written back (old files stay as they were)
        SceneConfig plain = SceneConfig.parse("x", "{\"field\": {\"kind\": \"radiance\"}}");
        assertTrue(!plain.field().viewDependent());
        assertTrue(!Json.write(plain.toJson()).contains("color"));
        // the default is Instant NGP's layout: nerf-plain's hash grid, a 1-layer density net with 16 outputs, a colour net
        FieldConfig ngp = SceneConfig.load(Path.of("scenes/nerf-default.json")).field(),
                before = SceneConfig.load(Path.of("scenes/nerf-plain.json")).field();
        assertEquals(before.encoding(), ngp.encoding());
        assertTrue(ngp.viewDependent() && !before.viewDependent());
        assertEquals(1, ngp.network().hiddenLayers());
        assertEquals(15, ngp.color().geometryFeatures(), "the density net's 16 outputs: raw density + 15 features");
    }

    @Test
    void missingFileSaysWhereScenesLive() {
        var e = assertThrows(ConfigException.class, () -> SceneConfig.load(Path.of("nope.json")));
        assertTrue(e.getMessage().startsWith("nope.json: no such file"), e.getMessage());
    }
}
