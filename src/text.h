/* Internal: UTF-8 and control characters in names and messages. */
#ifndef FCN_TEXT_H
#define FCN_TEXT_H

#include <stddef.h>

/* The length of the valid UTF-8 sequence at s (1 to 4) with its code point, or 0 when s does not start one. */
size_t text_utf8_sequence(const unsigned char *s, unsigned long *code_point);
/* C0 and C1 controls, DEL, and the Unicode line and paragraph separators: what would break a line. */
int text_is_control(unsigned long code_point);
/*
 * Copies `in` into out (`size` bytes, cut between characters), with control
 * characters and bytes that are not UTF-8 written as \xNN, so that a name
 * from a file shows what it holds and stays on one line.
 */
void text_escape(char *out, size_t size, const char *in);

#endif
