#version 330 core
// A screen-aligned quad (triangle strip, 4 vertices, no attributes) over rect = (x0, y0, x1, y1) in NDC.
uniform vec4 rect;
out vec2 uv;
void main() {
    vec2 c = vec2(gl_VertexID & 1, gl_VertexID >> 1);
    uv = vec2(c.x, 1.0 - c.y);
    gl_Position = vec4(mix(rect.xy, rect.zw, c), 0.0, 1.0);
}
