#version 330 core
uniform sampler2D atlas;
in vec2 fragUv;
in vec4 fragTint;
out vec4 color;

void main() {
    color = fragTint * texture(atlas, fragUv);
}
