/* UTF-8 and control characters: what keeps a message one printable line. */
#include <stdio.h>
#include <string.h>

#include "text.h"

size_t text_utf8_sequence(const unsigned char *s, unsigned long *code_point)
{
    size_t length = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
                    : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
    if (length == 0)
        return 0;
    unsigned long c = length == 1 ? s[0] : s[0] & (0x7fu >> length);
    for (size_t i = 1; i < length; i++) {
        if ((s[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
            return 0;
        c = (c << 6) | (s[i] & 0x3fu);
    }
    static const unsigned long smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < smallest[length] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *code_point = c;
    return length;
}

int text_is_control(unsigned long c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
}

void text_escape(char *out, size_t size, const char *in)
{
    size_t used = 0;
    unsigned long c;
    for (const unsigned char *s = (const unsigned char *)in; *s;) {
        size_t length = text_utf8_sequence(s, &c);
        int escape = length == 0 || text_is_control(c);
        size_t need = escape ? 4 * (length ? length : 1) : length;
        if (used + need >= size)
            break;
        if (escape) {
            for (size_t i = 0; i < (length ? length : 1); i++)
                used += (size_t)snprintf(out + used, size - used, "\\x%02X", s[i]);
        } else {
            memcpy(out + used, s, length);
            used += length;
        }
        s += length ? length : 1;
    }
    out[used] = '\0';
}
