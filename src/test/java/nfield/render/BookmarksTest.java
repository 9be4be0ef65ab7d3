package nfield.render;

import org.joml.Vector3f;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class BookmarksTest {
    @TempDir
    Path dir;

    @Test
    void viewsSurviveARoundTripBesideTheField() throws IOException {
        Path file = Bookmarks.fileFor(dir.resolve("bunny.nfield"));
        assertEquals(dir.resolve("bunny.nfield.views.json"), file);
        Bookmarks b = new Bookmarks(file);
        assertNull(b.problem());
        assertTrue(b.views().isEmpty());
        assertFalse(Files.exists(file), "no file until a view is bookmarked");
        Camera a = new Camera(-40.5, 12, 2.5, 35, new Vector3f(0.1f, -0.2f, 0.3f)), c = Camera.HOME;
        b.add(a);
        b.add(c);
        b.remove(1);
        Bookmarks back = new Bookmarks(file);
        assertNull(back.problem());
        assertEquals(java.util.List.of(a), back.views());
    }

    @Test
    void aBadFileIsReportedByNameAndLeftAlone() throws IOException {
        Path file = dir.resolve("x.nfield.views.json");
        String[][] cases = {
                {"not json", "not JSON"},
                {"{\"azimuth\": 1}", "not a JSON array"},
                {"[{\"azimuth\": 1, \"elevation\": 2}]", "no finite 'distance'"},
                {"[{\"azimuth\": 1, \"elevation\": 95, \"distance\": 3}]", "view 1: --elevation 95.0"},
                {"[{\"azimuth\": 1, \"elevation\": 5, \"distance\": 3e9}]", "distance"},
                {"[{\"azimuth\": 1, \"elevation\": 5, \"distance\": 3, \"target\": [0, 1e39, 0]}]", "target"}};
        for (String[] c : cases) {
            Files.writeString(file, c[0]);
            Bookmarks b = new Bookmarks(file);
            assertTrue(b.views().isEmpty(), c[0]);
            assertNotNull(b.problem(), c[0]);
            assertTrue(b.problem().startsWith(file.toString()) && b.problem().contains(c[1]), c[0] + " -> " + b.problem());
            b.add(Camera.HOME); // kept in memory: the user's file is not overwritten
            assertEquals(c[0], Files.readString(file));
        }
    }
}
