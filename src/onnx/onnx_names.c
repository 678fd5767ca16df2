/*
 * Layer names: the ONNX node's name, or its first output's when it has none,
 * made a C identifier (the hardware flow turns names into identifiers) and
 * unique within the network.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_names.h"
#include "text.h"

static int identifier_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Copies `text` with every character outside [A-Za-z0-9_] replaced by '_'; lowercased if asked. */
static void sanitise(char *to, const char *text, size_t length, int lower)
{
    for (size_t i = 0; i < length; i++) {
        char c = identifier_char(text[i]) ? text[i] : '_';
        to[i] = lower ? (char)tolower((unsigned char)c) : c;
    }
    to[length] = '\0';
}

char *onnx_unique_name(const char *base, const name_index *taken)
{
    size_t length = strlen(base), size = length + 24; /* room for a "_<number>" suffix */
    char *name = malloc(size);
    if (!name)
        return NULL;
    memcpy(name, base, length + 1);
    for (long i = 1; name_index_get(taken, name) >= 0; i++)
        snprintf(name + length, size - length, "_%ld", i);
    return name;
}

char *onnx_layer_name(const onnx_graph *g, int node, const name_index *taken)
{
    const Onnx__NodeProto *n = g->nodes[node].proto;
    const char *op = g->nodes[node].op;
    const char *base = n->name && *n->name ? n->name : n->n_output > 0 && n->output[0] ? n->output[0] : "";
    size_t base_length = strlen(base), op_length = strlen(op);
    /* Room for "op_" and the base. */
    char *name = malloc(op_length + 1 + base_length + 1);
    if (!name)
        return NULL;
    if (base_length == 0) {
        sanitise(name, op, op_length, 1);
    } else if (isdigit((unsigned char)base[0])) {
        sanitise(name, op, op_length, 1);
        name[op_length] = '_';
        sanitise(name + op_length + 1, base, base_length, 0);
    } else {
        sanitise(name, base, base_length, 0);
    }
    char *unique = onnx_unique_name(name, taken);
    free(name);
    return unique;
}

int onnx_is_utf8(const char *text)
{
    unsigned long c;
    for (const unsigned char *s = (const unsigned char *)text; s && *s;) {
        size_t length = text_utf8_sequence(s, &c);
        if (length == 0)
            return 0;
        s += length;
    }
    return 1;
}


void onnx_scrub_text(char *text)
{
    unsigned char *to = (unsigned char *)text;
    unsigned long c;
    for (const unsigned char *s = to; s && *s;) {
        size_t length = text_utf8_sequence(s, &c);
        if (length == 0 || text_is_control(c)) {
            *to++ = '?';
            s += length ? length : 1;
            continue;
        }
        memmove(to, s, length);
        to += length;
        s += length;
    }
    if (to)
        *to = '\0';
}
