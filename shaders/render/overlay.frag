#version 330 core
// Text drawn by Java2D, blended over the frame.
uniform sampler2D text;
in vec2 uv;
out vec4 color;
void main() {
    color = texture(text, uv);
}
