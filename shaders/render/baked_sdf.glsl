// The SDF baked into an R32F 3D texture, texel i at x = -1 + 2 i / (res - 1), trilinear.
uniform sampler3D grid;

float sdf(vec3 p) {
    vec3 u = (p + 1.0) * 0.5 * (res - 1.0) / res + 0.5 / res;
    return texture(grid, u).r;
}
