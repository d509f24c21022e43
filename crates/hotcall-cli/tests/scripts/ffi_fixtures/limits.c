/* Fixtures of ffi_limits.ts: C functions at the declaration limits
 * (hotcall_abi::limits, docs/limits.md). */

#include <stdint.h>

/* MAX_PARAMETERS (255) int32 parameters: the sum of a_i * (i + 1), so a
 * parameter passed in the wrong place changes the result. */
int64_t lim_weighted_255(
    int32_t a0, int32_t a1, int32_t a2, int32_t a3, int32_t a4, int32_t a5, int32_t a6, int32_t a7,
    int32_t a8, int32_t a9, int32_t a10, int32_t a11, int32_t a12, int32_t a13, int32_t a14, int32_t a15,
    int32_t a16, int32_t a17, int32_t a18, int32_t a19, int32_t a20, int32_t a21, int32_t a22, int32_t a23,
    int32_t a24, int32_t a25, int32_t a26, int32_t a27, int32_t a28, int32_t a29, int32_t a30, int32_t a31,
    int32_t a32, int32_t a33, int32_t a34, int32_t a35, int32_t a36, int32_t a37, int32_t a38, int32_t a39,
    int32_t a40, int32_t a41, int32_t a42, int32_t a43, int32_t a44, int32_t a45, int32_t a46, int32_t a47,
    int32_t a48, int32_t a49, int32_t a50, int32_t a51, int32_t a52, int32_t a53, int32_t a54, int32_t a55,
    int32_t a56, int32_t a57, int32_t a58, int32_t a59, int32_t a60, int32_t a61, int32_t a62, int32_t a63,
    int32_t a64, int32_t a65, int32_t a66, int32_t a67, int32_t a68, int32_t a69, int32_t a70, int32_t a71,
    int32_t a72, int32_t a73, int32_t a74, int32_t a75, int32_t a76, int32_t a77, int32_t a78, int32_t a79,
    int32_t a80, int32_t a81, int32_t a82, int32_t a83, int32_t a84, int32_t a85, int32_t a86, int32_t a87,
    int32_t a88, int32_t a89, int32_t a90, int32_t a91, int32_t a92, int32_t a93, int32_t a94, int32_t a95,
    int32_t a96, int32_t a97, int32_t a98, int32_t a99, int32_t a100, int32_t a101, int32_t a102, int32_t a103,
    int32_t a104, int32_t a105, int32_t a106, int32_t a107, int32_t a108, int32_t a109, int32_t a110, int32_t a111,
    int32_t a112, int32_t a113, int32_t a114, int32_t a115, int32_t a116, int32_t a117, int32_t a118, int32_t a119,
    int32_t a120, int32_t a121, int32_t a122, int32_t a123, int32_t a124, int32_t a125, int32_t a126, int32_t a127,
    int32_t a128, int32_t a129, int32_t a130, int32_t a131, int32_t a132, int32_t a133, int32_t a134, int32_t a135,
    int32_t a136, int32_t a137, int32_t a138, int32_t a139, int32_t a140, int32_t a141, int32_t a142, int32_t a143,
    int32_t a144, int32_t a145, int32_t a146, int32_t a147, int32_t a148, int32_t a149, int32_t a150, int32_t a151,
    int32_t a152, int32_t a153, int32_t a154, int32_t a155, int32_t a156, int32_t a157, int32_t a158, int32_t a159,
    int32_t a160, int32_t a161, int32_t a162, int32_t a163, int32_t a164, int32_t a165, int32_t a166, int32_t a167,
    int32_t a168, int32_t a169, int32_t a170, int32_t a171, int32_t a172, int32_t a173, int32_t a174, int32_t a175,
    int32_t a176, int32_t a177, int32_t a178, int32_t a179, int32_t a180, int32_t a181, int32_t a182, int32_t a183,
    int32_t a184, int32_t a185, int32_t a186, int32_t a187, int32_t a188, int32_t a189, int32_t a190, int32_t a191,
    int32_t a192, int32_t a193, int32_t a194, int32_t a195, int32_t a196, int32_t a197, int32_t a198, int32_t a199,
    int32_t a200, int32_t a201, int32_t a202, int32_t a203, int32_t a204, int32_t a205, int32_t a206, int32_t a207,
    int32_t a208, int32_t a209, int32_t a210, int32_t a211, int32_t a212, int32_t a213, int32_t a214, int32_t a215,
    int32_t a216, int32_t a217, int32_t a218, int32_t a219, int32_t a220, int32_t a221, int32_t a222, int32_t a223,
    int32_t a224, int32_t a225, int32_t a226, int32_t a227, int32_t a228, int32_t a229, int32_t a230, int32_t a231,
    int32_t a232, int32_t a233, int32_t a234, int32_t a235, int32_t a236, int32_t a237, int32_t a238, int32_t a239,
    int32_t a240, int32_t a241, int32_t a242, int32_t a243, int32_t a244, int32_t a245, int32_t a246, int32_t a247,
    int32_t a248, int32_t a249, int32_t a250, int32_t a251, int32_t a252, int32_t a253, int32_t a254) {
    return (int64_t)a0 * 1 + (int64_t)a1 * 2 + (int64_t)a2 * 3 + (int64_t)a3 * 4 +
           (int64_t)a4 * 5 + (int64_t)a5 * 6 + (int64_t)a6 * 7 + (int64_t)a7 * 8 +
           (int64_t)a8 * 9 + (int64_t)a9 * 10 + (int64_t)a10 * 11 + (int64_t)a11 * 12 +
           (int64_t)a12 * 13 + (int64_t)a13 * 14 + (int64_t)a14 * 15 + (int64_t)a15 * 16 +
           (int64_t)a16 * 17 + (int64_t)a17 * 18 + (int64_t)a18 * 19 + (int64_t)a19 * 20 +
           (int64_t)a20 * 21 + (int64_t)a21 * 22 + (int64_t)a22 * 23 + (int64_t)a23 * 24 +
           (int64_t)a24 * 25 + (int64_t)a25 * 26 + (int64_t)a26 * 27 + (int64_t)a27 * 28 +
           (int64_t)a28 * 29 + (int64_t)a29 * 30 + (int64_t)a30 * 31 + (int64_t)a31 * 32 +
           (int64_t)a32 * 33 + (int64_t)a33 * 34 + (int64_t)a34 * 35 + (int64_t)a35 * 36 +
           (int64_t)a36 * 37 + (int64_t)a37 * 38 + (int64_t)a38 * 39 + (int64_t)a39 * 40 +
           (int64_t)a40 * 41 + (int64_t)a41 * 42 + (int64_t)a42 * 43 + (int64_t)a43 * 44 +
           (int64_t)a44 * 45 + (int64_t)a45 * 46 + (int64_t)a46 * 47 + (int64_t)a47 * 48 +
           (int64_t)a48 * 49 + (int64_t)a49 * 50 + (int64_t)a50 * 51 + (int64_t)a51 * 52 +
           (int64_t)a52 * 53 + (int64_t)a53 * 54 + (int64_t)a54 * 55 + (int64_t)a55 * 56 +
           (int64_t)a56 * 57 + (int64_t)a57 * 58 + (int64_t)a58 * 59 + (int64_t)a59 * 60 +
           (int64_t)a60 * 61 + (int64_t)a61 * 62 + (int64_t)a62 * 63 + (int64_t)a63 * 64 +
           (int64_t)a64 * 65 + (int64_t)a65 * 66 + (int64_t)a66 * 67 + (int64_t)a67 * 68 +
           (int64_t)a68 * 69 + (int64_t)a69 * 70 + (int64_t)a70 * 71 + (int64_t)a71 * 72 +
           (int64_t)a72 * 73 + (int64_t)a73 * 74 + (int64_t)a74 * 75 + (int64_t)a75 * 76 +
           (int64_t)a76 * 77 + (int64_t)a77 * 78 + (int64_t)a78 * 79 + (int64_t)a79 * 80 +
           (int64_t)a80 * 81 + (int64_t)a81 * 82 + (int64_t)a82 * 83 + (int64_t)a83 * 84 +
           (int64_t)a84 * 85 + (int64_t)a85 * 86 + (int64_t)a86 * 87 + (int64_t)a87 * 88 +
           (int64_t)a88 * 89 + (int64_t)a89 * 90 + (int64_t)a90 * 91 + (int64_t)a91 * 92 +
           (int64_t)a92 * 93 + (int64_t)a93 * 94 + (int64_t)a94 * 95 + (int64_t)a95 * 96 +
           (int64_t)a96 * 97 + (int64_t)a97 * 98 + (int64_t)a98 * 99 + (int64_t)a99 * 100 +
           (int64_t)a100 * 101 + (int64_t)a101 * 102 + (int64_t)a102 * 103 + (int64_t)a103 * 104 +
           (int64_t)a104 * 105 + (int64_t)a105 * 106 + (int64_t)a106 * 107 + (int64_t)a107 * 108 +
           (int64_t)a108 * 109 + (int64_t)a109 * 110 + (int64_t)a110 * 111 + (int64_t)a111 * 112 +
           (int64_t)a112 * 113 + (int64_t)a113 * 114 + (int64_t)a114 * 115 + (int64_t)a115 * 116 +
           (int64_t)a116 * 117 + (int64_t)a117 * 118 + (int64_t)a118 * 119 + (int64_t)a119 * 120 +
           (int64_t)a120 * 121 + (int64_t)a121 * 122 + (int64_t)a122 * 123 + (int64_t)a123 * 124 +
           (int64_t)a124 * 125 + (int64_t)a125 * 126 + (int64_t)a126 * 127 + (int64_t)a127 * 128 +
           (int64_t)a128 * 129 + (int64_t)a129 * 130 + (int64_t)a130 * 131 + (int64_t)a131 * 132 +
           (int64_t)a132 * 133 + (int64_t)a133 * 134 + (int64_t)a134 * 135 + (int64_t)a135 * 136 +
           (int64_t)a136 * 137 + (int64_t)a137 * 138 + (int64_t)a138 * 139 + (int64_t)a139 * 140 +
           (int64_t)a140 * 141 + (int64_t)a141 * 142 + (int64_t)a142 * 143 + (int64_t)a143 * 144 +
           (int64_t)a144 * 145 + (int64_t)a145 * 146 + (int64_t)a146 * 147 + (int64_t)a147 * 148 +
           (int64_t)a148 * 149 + (int64_t)a149 * 150 + (int64_t)a150 * 151 + (int64_t)a151 * 152 +
           (int64_t)a152 * 153 + (int64_t)a153 * 154 + (int64_t)a154 * 155 + (int64_t)a155 * 156 +
           (int64_t)a156 * 157 + (int64_t)a157 * 158 + (int64_t)a158 * 159 + (int64_t)a159 * 160 +
           (int64_t)a160 * 161 + (int64_t)a161 * 162 + (int64_t)a162 * 163 + (int64_t)a163 * 164 +
           (int64_t)a164 * 165 + (int64_t)a165 * 166 + (int64_t)a166 * 167 + (int64_t)a167 * 168 +
           (int64_t)a168 * 169 + (int64_t)a169 * 170 + (int64_t)a170 * 171 + (int64_t)a171 * 172 +
           (int64_t)a172 * 173 + (int64_t)a173 * 174 + (int64_t)a174 * 175 + (int64_t)a175 * 176 +
           (int64_t)a176 * 177 + (int64_t)a177 * 178 + (int64_t)a178 * 179 + (int64_t)a179 * 180 +
           (int64_t)a180 * 181 + (int64_t)a181 * 182 + (int64_t)a182 * 183 + (int64_t)a183 * 184 +
           (int64_t)a184 * 185 + (int64_t)a185 * 186 + (int64_t)a186 * 187 + (int64_t)a187 * 188 +
           (int64_t)a188 * 189 + (int64_t)a189 * 190 + (int64_t)a190 * 191 + (int64_t)a191 * 192 +
           (int64_t)a192 * 193 + (int64_t)a193 * 194 + (int64_t)a194 * 195 + (int64_t)a195 * 196 +
           (int64_t)a196 * 197 + (int64_t)a197 * 198 + (int64_t)a198 * 199 + (int64_t)a199 * 200 +
           (int64_t)a200 * 201 + (int64_t)a201 * 202 + (int64_t)a202 * 203 + (int64_t)a203 * 204 +
           (int64_t)a204 * 205 + (int64_t)a205 * 206 + (int64_t)a206 * 207 + (int64_t)a207 * 208 +
           (int64_t)a208 * 209 + (int64_t)a209 * 210 + (int64_t)a210 * 211 + (int64_t)a211 * 212 +
           (int64_t)a212 * 213 + (int64_t)a213 * 214 + (int64_t)a214 * 215 + (int64_t)a215 * 216 +
           (int64_t)a216 * 217 + (int64_t)a217 * 218 + (int64_t)a218 * 219 + (int64_t)a219 * 220 +
           (int64_t)a220 * 221 + (int64_t)a221 * 222 + (int64_t)a222 * 223 + (int64_t)a223 * 224 +
           (int64_t)a224 * 225 + (int64_t)a225 * 226 + (int64_t)a226 * 227 + (int64_t)a227 * 228 +
           (int64_t)a228 * 229 + (int64_t)a229 * 230 + (int64_t)a230 * 231 + (int64_t)a231 * 232 +
           (int64_t)a232 * 233 + (int64_t)a233 * 234 + (int64_t)a234 * 235 + (int64_t)a235 * 236 +
           (int64_t)a236 * 237 + (int64_t)a237 * 238 + (int64_t)a238 * 239 + (int64_t)a239 * 240 +
           (int64_t)a240 * 241 + (int64_t)a241 * 242 + (int64_t)a242 * 243 + (int64_t)a243 * 244 +
           (int64_t)a244 * 245 + (int64_t)a245 * 246 + (int64_t)a246 * 247 + (int64_t)a247 * 248 +
           (int64_t)a248 * 249 + (int64_t)a249 * 250 + (int64_t)a250 * 251 + (int64_t)a251 * 252 +
           (int64_t)a252 * 253 + (int64_t)a253 * 254 + (int64_t)a254 * 255;
}

/* A struct of one byte is passed like a struct nested 63 levels deep
 * around one byte (both are one INTEGER eightbyte). */
struct lim_byte {
    uint8_t b;
};
uint8_t lim_byte_plus_one(struct lim_byte s) { return (uint8_t)(s.b + 1); }

/* MAX_STRUCT_FIELDS (1023) u8 fields, by value (in memory). */
struct lim_wide {
    uint8_t b[1023];
};
uint32_t lim_wide_weighted(struct lim_wide s) {
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 1023; i++) sum += (uint32_t)s.b[i] * (i + 1);
    return sum;
}
