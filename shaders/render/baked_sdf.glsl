// The SDF baked into an R16F 3D texture (halves: nfield.render.BakedGrid), texel i at x = -1 + 2 i / (res - 1), trilinear.
uniform sampler3D grid;

vec3 gridUv(vec3 p) {
    return (p + 1.0) * 0.5 * (res - 1.0) / res + 0.5 / res;
}

float sdf(vec3 p) {
    return texture(grid, gridUv(p)).r;
}
