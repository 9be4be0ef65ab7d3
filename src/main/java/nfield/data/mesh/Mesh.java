package nfield.data.mesh;

import nfield.geom.Normalization;

import java.util.List;

/**
 * A triangle mesh: vertices [V, 3] as interleaved x, y, z and triangles [T, 3] as 0-based
 * vertex indices, counter-clockwise seen from outside (outward normals by the right-hand rule).
 * {@code warnings} lists what a reader repaired or dropped (degenerate triangles, unused
 * vertices, ...), one counted line each, for the caller to print.
 */
public record Mesh(String name, double[] vertices, int[] triangles, List<String> warnings) {
    public Mesh {
        if (vertices.length % 3 != 0) throw new IllegalArgumentException(name + ": vertex array length " + vertices.length + " is not a multiple of 3");
        if (triangles.length % 3 != 0) throw new IllegalArgumentException(name + ": triangle array length " + triangles.length + " is not a multiple of 3");
        int nv = vertices.length / 3;
        for (int i = 0; i < triangles.length; i++) {
            if (triangles[i] < 0 || triangles[i] >= nv) {
                throw new IllegalArgumentException(name + ": triangle " + i / 3 + " uses vertex " + triangles[i] + " of " + nv);
            }
        }
        warnings = List.copyOf(warnings);
    }

    public Mesh(String name, double[] vertices, int[] triangles) {
        this(name, vertices, triangles, List.of());
    }

    public int vertexCount() { return vertices.length / 3; }

    public int triangleCount() { return triangles.length / 3; }

    /** The mesh moved into the field's box by {@code n}. */
    public Mesh normalized(Normalization n) {
        return new Mesh(name, n.apply(vertices), triangles, warnings);
    }

    /** A mesh in field coordinates moved back to original coordinates by {@code n}. */
    public Mesh denormalized(Normalization n) {
        return new Mesh(name, n.invert(vertices), triangles, warnings);
    }

    /** The normalisation that centres this mesh's bounding box and scales its longest side to {@code 2 · extent}. */
    public Normalization fitNormalization(double extent) {
        return Normalization.fit(bounds(), extent, name);
    }

    /** [minX, minY, minZ, maxX, maxY, maxZ] over all vertices. */
    public double[] bounds() {
        double[] b = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < vertices.length; i += 3) {
            for (int k = 0; k < 3; k++) {
                b[k] = Math.min(b[k], vertices[i + k]);
                b[k + 3] = Math.max(b[k + 3], vertices[i + k]);
            }
        }
        return b;
    }
}
