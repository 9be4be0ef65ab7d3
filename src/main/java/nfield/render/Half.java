package nfield.render;

/**
 * IEEE 754 binary16 ("half"), what the GL textures of baked grids and the web page hold: the
 * viewer's SDF texture is R16F (half the bytes of R32F, so llvmpipe's texture cache holds twice
 * the grid: 1.2-1.3x the frame rate at 256³), the page ships its grids as halves.
 */
final class Half {
    private Half() {}

    /** IEEE 754 binary16 of each value, rounded to nearest even, little-endian. */
    static byte[] littleEndian(float[] v) {
        byte[] out = new byte[2 * v.length];
        for (int i = 0; i < v.length; i++) {
            short h = bits(v[i]);
            out[2 * i] = (byte) h;
            out[2 * i + 1] = (byte) (h >> 8);
        }
        return out;
    }

    static short bits(float v) {
        int f = Float.floatToRawIntBits(v);
        int sign = (f >>> 16) & 0x8000, e = (f >>> 23) & 0xff, m = f & 0x7fffff;
        if (e == 0xff) return (short) (sign | 0x7c00 | (m != 0 ? 0x200 : 0));
        int exp = e - 127 + 15;
        if (exp >= 0x1f) return (short) (sign | 0x7c00);
        if (exp <= 0) {
            if (exp < -10) return (short) sign;
            m |= 0x800000;
            int shift = 14 - exp, h = m >> shift, rem = m & ((1 << shift) - 1), halfway = 1 << (shift - 1);
            if (rem > halfway || (rem == halfway && (h & 1) != 0)) h++;
            return (short) (sign | h);
        }
        int h = (exp << 10) | (m >> 13), rem = m & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (h & 1) != 0)) h++; // a carry into the exponent is right, up to infinity
        return (short) (sign | h);
    }

    /** The float a binary16 holds. */
    static float value(short h) {
        int s = (h & 0x8000) << 16, e = (h >>> 10) & 0x1f, m = h & 0x3ff;
        if (e == 0x1f) return Float.intBitsToFloat(s | 0x7f800000 | (m << 13));
        if (e == 0) return (s != 0 ? -1 : 1) * m * 0x1p-24f;
        return Float.intBitsToFloat(s | ((e - 15 + 127) << 23) | (m << 13));
    }

    /**
     * v rounded to the nearest half (ties to even), with a nonzero magnitude below the smallest
     * normal half (2^-14) kept there, sign and all: a signed distance keeps its side of the
     * surface whatever the GL does with subnormals. Infinities and NaN stay.
     */
    static float round(float v) {
        if (v != v) return v;
        if (v != 0 && Math.abs(v) < 0x1p-14f) return Math.copySign(0x1p-14f, v);
        return value(bits(v));
    }
}
