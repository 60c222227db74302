/* core.h -- what the library's files share about graphs and nodes, and
 * users never see: the arena's blocks, labels and groups, errors. */
#ifndef MG_CORE_H
#define MG_CORE_H

#include "micrograd.h"

#include <stdint.h>

/* Node blocks: MG_BLOCK_BYTES bytes, aligned to their own size, so the block
 * (and with it the graph and the node's id) is found by masking a node's
 * address: no graph pointer in every node. */
#define MG_BLOCK_BYTES ((size_t)1 << 16)

typedef struct mg_block {
    mg_graph *graph;
    size_t first_id;      /* id of nodes[0] */
    /* Slots [0, n_slots) may hold ids first_id .. first_id + n_slots - 1:
     * MG_NODES_PER_BLOCK, fewer once a reset in checking mode sealed the
     * block at its mark, 0 while the block is quarantined (see
     * mg_graph_set_checking).  A node at or past n_slots is dropped. */
    size_t n_slots;
    size_t index;         /* position in graph->blocks (while n_slots > 0) */
    mg_value nodes[];     /* MG_NODES_PER_BLOCK of them */
} mg_block;

#define MG_SLAB_MAX_BLOCKS 512

#define MG_NODES_PER_BLOCK \
    ((MG_BLOCK_BYTES - sizeof(mg_block)) / sizeof(mg_value))

/* Scratch flag bits in mg_value.flags (bit 0 is MG_FROZEN). */
#define MG_SEEN 0x80u
#define MG_MARK 0x40u   /* set and cleared again within one function */

/* A label and/or a group for one node.  Entries are appended as nodes get
 * them (naming an old node costs O(1)); a reset drops the entries of
 * dropped nodes from those made since its mark (mg_checkpoint.n_meta). */
typedef struct mg_meta {
    mg_value *node;
    char *label;          /* in the aux arena, or NULL */
    size_t label_cap;     /* bytes available at label (for relabelling) */
    unsigned group;
} mg_meta;

typedef struct mg_group {
    char *label;          /* in the aux arena */
    unsigned parent;
    size_t made_at;       /* nodes alive when it was pushed */
} mg_group;

/* The aux arena holds labels and the input arrays of n-ary nodes: chained
 * byte blocks kept for reuse after a reset.  A position is (block, used). */
typedef struct mg_aux_block {
    char *mem;
    size_t cap, used;
} mg_aux_block;

typedef struct mg_aux_pos {
    size_t block, used;
} mg_aux_pos;

/* What mg_graph_mark remembers besides the node count. */
typedef struct mg_checkpoint {
    size_t n_nodes;
    size_t n_meta;        /* every meta entry below this names a node below n_nodes */
    mg_aux_pos aux;
    unsigned n_groups;
} mg_checkpoint;

/* Something outside core that holds pointers to nodes [0, needs) of a graph
 * (a tape, say) and must learn when a reset drops any of them.  The graph
 * keeps its watches in a list and flags them at reset and at free: the
 * holder checks `dropped` in O(1) before trusting its pointers. */
typedef struct mg__watch {
    struct mg__watch *prev, *next;
    mg_graph *g;          /* NULL once the graph is freed */
    size_t needs;
    int dropped;          /* a reset went below needs, or the graph is gone */
} mg__watch;

struct mg_graph {
    mg_block **blocks;    /* every block ever allocated, in id order */
    size_t n_blocks, cap_blocks;
    /* Blocks are carved out of slabs that double in size up to
     * MG_SLAB_MAX_BLOCKS: few big allocations instead of one per block
     * (each large allocation is an mmap and, at free, a costly munmap). */
    void **slabs;         /* what malloc returned, to free */
    size_t n_slabs, cap_slabs;
    char *slab_next, *slab_end;  /* blocks not yet handed out */
    size_t n_nodes;       /* nodes alive: ids 0 .. n_nodes-1 */
    mg_value *next, *limit;  /* free slots left in the current block */
    size_t next_block;    /* index in blocks of the block to go on with */
    /* Nonzero while the constructors must leave the bump-pointer fast path
     * to mg__new_node: a group is open, or the graph is in checking mode. */
    int no_bump;

    /* Checking mode (mg_graph_set_checking): the blocks the last reset
     * dropped, kept apart (n_slots 0) so that pointers into them are
     * caught, and the blocks of the reset before, free for reuse. */
    int checking;
    mg_block **quarantine, **spare;
    size_t n_quarantine, cap_quarantine, n_spare, cap_spare;

    mg_aux_block *aux;
    size_t n_aux, cap_aux, aux_cur;

    mg_meta *meta;        /* meta[0] is unused so that 0 means "none" */
    size_t n_meta, cap_meta;

    mg_group *groups;     /* groups[0] is unused */
    unsigned n_groups, cap_groups;
    unsigned *open;       /* stack of open groups */
    unsigned n_open, cap_open;

    mg_checkpoint *marks;
    size_t n_marks, cap_marks;

    /* scratch for mg_topo: the array it returns (no cache: every walk
     * finds the reachable nodes afresh) */
    mg_value **topo;
    size_t n_topo, cap_topo;

    mg__watch *watches;   /* see mg__watch */
    /* Bumped by everything in the library that writes the grads of
     * non-leaf nodes, so that a tape can tell whether the zeros its forward
     * left are still there when its backward starts. */
    uint64_t grad_writes;

    /* fault injection for the tests: while nonzero, allocations of node
     * blocks and aux memory fail (the error paths must be testable) */
    int fail_allocs;

    mg_lang lang;         /* of messages and writers (mg_graph_set_lang) */
    int has_error;
    char error[256];
};

static inline mg_block *mg__block_of(const mg_value *v) {
    return (mg_block *)((uintptr_t)v & ~(uintptr_t)(MG_BLOCK_BYTES - 1));
}

/* v's id (mg_value_id without the call). */
static inline size_t mg__id(const mg_value *v) {
    const mg_block *b = mg__block_of(v);
    return b->first_id + (size_t)(v - b->nodes);
}

static inline mg_graph *mg__graph_of(const mg_value *v) {
    return mg__block_of(v)->graph;
}

/* The node made just before v (id - 1), or NULL for node 0: walking down
 * the creation order, across blocks. */
static inline mg_value *mg__below(const mg_graph *g, mg_value *v) {
    const mg_block *b = mg__block_of(v);
    if (v > b->nodes) return v - 1;
    if (!b->index) return NULL;
    /* blocks cover consecutive ids; the one below ends at its last slot
     * (full, or sealed there by a reset in checking mode) */
    mg_block *below = g->blocks[b->index - 1];
    return below->nodes + below->n_slots - 1;
}

/* arena.c: a fresh node the slow way (a new block, an open group to join);
 * NULL (error recorded) when out of memory.  mg__node below is the way in. */
mg_value *mg__new_node(mg_graph *g, mg_op op);
/* aux.c: grow *arr (of *cap elements of `size` bytes) to hold at least
 * `need`, doubling; 1, or 0 when out of memory (*arr and *cap unchanged). */
int mg__grow(void **arr, size_t *cap, size_t need, size_t size);

/* Whether the next node can take the bump-pointer fast path: a free slot
 * in the current block, no open group to join, not in checking mode. */
static inline int mg__can_bump(const mg_graph *g) {
    return g->next < g->limit && !g->no_bump;
}
/* Set no_bump after n_open or checking changed. */
static inline void mg__update_bump(mg_graph *g) { g->no_bump = g->n_open != 0 || g->checking; }

/* Whether v is a node its graph no longer holds: a reset dropped it and
 * no node has taken its id since (always caught), or, in checking mode,
 * its slot is in a quarantined block or past a sealed block's end.  O(1):
 * a few loads from v's block header and its graph. */
static inline int mg__dropped(const mg_value *v) {
    const mg_block *b = mg__block_of(v);
    size_t slot = (size_t)(v - b->nodes);
    return slot >= b->n_slots || b->first_id + slot >= b->graph->n_nodes;
}
/* dropped.c: 0 when v is NULL or alive; 1 after recording in v's graph that
 * `fn` was given a node a reset dropped (operand `which` of `of`, or "the
 * node" when of is 0).  For the entry points that take nodes. */
int mg__refuse_dropped(const char *fn, const mg_value *v, size_t which, size_t of);
/* The same for an array: 1 (error recorded) when any xs[i] is dropped. */
int mg__refuse_dropped_n(const char *fn, mg_value *const *xs, size_t n);
/* That fast path: a fresh node with zero grad and no label, inlined into
 * every constructor.  The caller sets data and the inputs. */
static inline mg_value *mg__bump(mg_graph *g, mg_op op) {
    mg_value *v = g->next++;
    g->n_nodes++;
    v->grad = 0.0;
    v->meta = 0;
    v->op = (uint8_t)op;
    v->flags = 0;
    v->spare_ = 0;
    return v;
}
/* A fresh node either way; NULL (error recorded) when out of memory. */
static inline mg_value *mg__node(mg_graph *g, mg_op op) {
    return mg__can_bump(g) ? mg__bump(g, op) : mg__new_node(g, op);
}
/* aux.c: `bytes` bytes aligned for pointers and doubles, or NULL; a copy of
 * s (with *cap set to its size when cap is not NULL), or NULL; where the aux
 * arena stands, and going back there (for mark/reset). */
void *mg__aux_alloc(mg_graph *g, size_t bytes);
char *mg__aux_strdup(mg_graph *g, const char *s, size_t *cap);
mg_aux_pos mg__aux_pos(const mg_graph *g);
void mg__aux_restore(mg_graph *g, mg_aux_pos p);
/* error.c: record the graph's first error (later ones are dropped, so
 * the message names the cause, not its consequences).  The message comes
 * in English and in Spanish, each written whole, with the same arguments
 * in the same order; the graph's language (mg_graph_set_lang) picks one. */
void mg__error(mg_graph *g, const char *en, const char *es, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 4), format(printf, 3, 4)))
#endif
    ;
/* Pick the English or the Spanish of a text by a language. */
#define MG__TEXT(lang, en, es) ((lang) == MG_LANG_ES ? (es) : (en))
/* num.c: fprintf whose floating conversions (%f %e %g %a, with their
 * flags, width and precision, '*' included) are written with '.' whatever
 * the locale, through mg_num_format; the other conversions (d i u x o c s
 * p %, with the length modifiers hh h l ll z j t) go to fprintf as they
 * are.  Returns what fprintf would, -1 on a write error. */
int mg__printf(FILE *out, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* utf8.c: length of the valid UTF-8 sequence starting at s (1 to 4
 * bytes), or 0 when s does not start one (stray continuation byte,
 * overlong form, surrogate, beyond U+10FFFF, cut short).  s is
 * NUL-terminated.  mg__utf8_xml_len is the same, and 0 also for U+FFFE
 * and U+FFFF, which XML does not allow (control characters are the
 * caller's to escape or refuse). */
size_t mg__utf8_len(const unsigned char *s);
size_t mg__utf8_xml_len(const unsigned char *s);
/* num_read.c: the number that is exactly s[0..len) (no white space
 * around it; s need not end there), read as mg_num_parse reads it:
 * MG__NUM_OK with *out set, or why it is not one: not a number at all, a
 * finite number too large for a double (1e309), one too small (1e-400,
 * which would read as 0), or not finite (inf, nan).  Any length. */
typedef enum mg__num_status {
    MG__NUM_OK,
    MG__NUM_BAD,
    MG__NUM_HUGE,
    MG__NUM_TINY,
    MG__NUM_NONFINITE
} mg__num_status;
mg__num_status mg__num_read(const char *s, size_t len, double *out);
/* label.c: a printable name for a node in messages: its label, or "#id". */
const char *mg__name(const mg_value *v, char buf[32]);
/* Give group `group` a new label (copied); 0, or -1 (error recorded). */
int mg__group_relabel(mg_graph *g, unsigned group, const char *label);
/* Forget groups n and above (a reset dropped them). */
void mg__drop_groups(mg_graph *g, unsigned n);

/* arena.c: a watch over nodes [0, needs) of g (see mg__watch); remove it
 * before freeing w.  Removing one whose graph was freed is fine. */
void mg__watch_add(mg_graph *g, mg__watch *w, size_t needs);
void mg__watch_remove(mg__watch *w);

/* recording.c: what a tape records -- the order of root's graph (inputs
 * first, the root last) and a watch over its nodes. */
typedef struct mg__recording {
    mg__watch watch;      /* tells when a reset drops the recorded nodes */
    mg_value **order;
    size_t n;
} mg__recording;
/* Record root's graph into r for `fn` (named in errors): 0, or -1 with the
 * error in the graph (root NULL or dropped, out of memory); r is then
 * empty and need not be freed. */
int mg__record(mg__recording *r, mg_value *root, const char *fn);
/* 1 when r's nodes are all still there; else 0, saying so in the graph's
 * error on behalf of `fn`. */
int mg__recording_usable(const mg__recording *r, const char *fn);
void mg__recording_free(mg__recording *r);

/* topo.c: the nodes reachable from root, inputs first, in g->topo (see
 * mg_topo); NULL with *n = 0 when root is NULL or out of memory. */
mg_value **mg__topo(const mg_value *root, size_t *n);
/* Index of v in topo[0..n) (sorted by id, as mg__topo returns it), or n
 * when v is not there.  Binary search: O(log n). */
size_t mg__topo_index(mg_value *const *topo, size_t n, const mg_value *v);

/* topo.c: where each node of topo[0..n) stands, found by id in O(1) when
 * the ids span at most a few times n (a table), else by binary search.
 * mg__pos_init returns 0, or -1 when out of memory for the table it chose;
 * mg__pos_of gives n for a node that is not there. */
typedef struct mg__pos {
    mg_value *const *topo;
    size_t n, lo;   /* lo: the smallest id */
    size_t *at;     /* at[id - lo], or NULL: binary search */
} mg__pos;
int mg__pos_init(mg__pos *p, mg_value *const *topo, size_t n);
void mg__pos_free(mg__pos *p);
static inline size_t mg__pos_of(const mg__pos *p, const mg_value *v) {
    if (!p->at) return mg__topo_index(p->topo, p->n, v);
    size_t id = mg__id(v);
    if (id < p->lo || id - p->lo > mg__id(p->topo[p->n - 1]) - p->lo) return p->n;
    size_t i = p->at[id - p->lo];
    return i < p->n && p->topo[i] == v ? i : p->n;
}

/* jvp.c: forward mode over root's order (see mg_jvp): the tangent of every
 * node, malloc'd, with *order (malloc'd, *n nodes, inputs first) telling
 * whose.  NULL on error (recorded in root's graph, naming fn).  The caller
 * frees both. */
double *mg__jvp_all(const char *fn, const mg_value *root, mg_value *const *leaves,
                    const double *tangent, size_t n_leaves, mg_value ***order, size_t *n);

/* forward.c: mg_forward over topo[0..n), a topological order (inputs
 * first). */
void mg__forward_order(mg_value *const *topo, size_t n);

#endif
