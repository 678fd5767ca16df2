/*
 * Internal: names to indices in O(1), so that readers, checks and writers
 * stay linear in the number of layers (a linear strcmp scan per name made a
 * 40,000-layer file take minutes). Keys are borrowed: they must outlive the index.
 */
#ifndef FCN_NAME_INDEX_H
#define FCN_NAME_INDEX_H

#include <stddef.h>

typedef struct name_index {
    const char **keys; /* open addressing; NULL marks an empty slot */
    int *values;
    size_t capacity;   /* a power of two, at least twice count */
    size_t count;
} name_index;

/* An empty index; 0, or -1 when out of memory. */
int name_index_init(name_index *ix, size_t expected);
void name_index_free(name_index *ix);
/*
 * Maps key to value unless key is there already: returns the value it
 * already had, -1 when it was added, -2 when out of memory.
 */
int name_index_put(name_index *ix, const char *key, int value);
/* The value of key, or -1. */
int name_index_get(const name_index *ix, const char *key);

#endif
