#version 330 core
// The viewer's panel (Nuklear's vertices): pixel positions, atlas coordinates and an RGBA8 colour.
uniform mat4 projection;
layout(location = 0) in vec2 position;
layout(location = 1) in vec2 uv;
layout(location = 2) in vec4 tint;
out vec2 fragUv;
out vec4 fragTint;

void main() {
    fragUv = uv;
    fragTint = tint;
    gl_Position = projection * vec4(position, 0.0, 1.0);
}
