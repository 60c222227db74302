/* internal.h -- what the library's files share and users never see. */
#ifndef MG_INTERNAL_H
#define MG_INTERNAL_H

#include "micrograd.h"

#include <stdint.h>

/* Node blocks: MG_BLOCK_BYTES bytes, aligned to their own size, so the block
 * (and with it the graph and the node's id) is found by masking a node's
 * address: no graph pointer in every node. */
#define MG_BLOCK_BYTES ((size_t)1 << 16)

typedef struct mg_block {
    mg_graph *graph;
    size_t first_id;      /* id of nodes[0] */
    mg_value nodes[];     /* MG_NODES_PER_BLOCK of them */
} mg_block;

#define MG_SLAB_MAX_BLOCKS 512

#define MG_NODES_PER_BLOCK \
    ((MG_BLOCK_BYTES - sizeof(mg_block)) / sizeof(mg_value))

/* Scratch flag bits in mg_value.flags (bit 0 is MG_FROZEN). */
#define MG_SEEN 0x80u
#define MG_MARK 0x40u   /* set and cleared again within one function */

/* A label and/or a group for one node.  Kept sorted by node id, so a reset
 * drops the entries of dropped nodes by truncation. */
typedef struct mg_meta {
    size_t node_id;
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
    mg_aux_pos aux;
    unsigned n_groups;
} mg_checkpoint;

/* m neurons over the same inputs at positions pos, pos + stride, ... of the
 * cached order (stride 2 when each is followed by its activation). */
typedef struct mg_bundle {
    size_t pos, m, stride;
    size_t last;          /* position of its last node: pos + m*stride - 1 */
    int relu;             /* every member is followed by a relu */
    size_t pack;          /* its mg_pack, or SIZE_MAX for none */
    /* Backward takes it whole from its last node: it has a pack with
     * grads_ok, and no node repeats among its biases, weights and inputs. */
    int whole;
} mg_bundle;

/* The leaf biases and weights of bundles of m neurons over n_in inputs:
 * m*(1 + n_in) nodes from pack_src[at] on, the m biases first and then, for
 * each input, the m weights that multiply it. */
typedef struct mg_pack {
    size_t m, n_in, at;
    size_t users;         /* bundles that use it (packs of one are not kept) */
    size_t hi;            /* position of its last bundle's last node */
    /* Backward may add its bundles' terms into pack_grads and store them
     * once at the end: every other use of its nodes is above hi, so is
     * walked before any of its bundles. */
    int grads_ok;
    int loaded;           /* during a backward walk: pack_grads holds them */
} mg_pack;

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

    /* cached topological order of the last root walked */
    mg_value **topo;
    size_t n_topo, cap_topo;
    const mg_value *topo_root;
    uint64_t topo_generation;
    /* For the cached order, built on its second backward walk: skip[p] is
     * where that walk may jump when node p passes nothing back (replay.c,
     * build_skips).  Valid while skip_ready. */
    size_t *skip;
    size_t cap_skip;
    unsigned topo_walks;  /* backward walks of the cached order so far */
    int skip_ready;
    /* For the cached order, built on its second forward replay: neurons
     * that share their inputs, evaluated together (bundle.c), in order of
     * position.  Bundles with the same leaf weights share a pack: their
     * weights copied side by side at each walk. */
    struct mg_bundle *bundles;
    size_t n_bundles, cap_bundles;
    struct mg_pack *packs;
    size_t n_packs, cap_packs;
    mg_value **pack_src;  /* what each pack copies from, see mg_pack */
    double *pack_vals;    /* and the copies, at the same offsets */
    double *pack_grads;   /* and their grads during a backward walk */
    size_t n_pack_src, cap_pack_src, cap_pack_vals, cap_pack_grads;
    unsigned fwd_walks;   /* forward replays of the cached order so far */
    int bundle_ready;
    /* mg_forward on the cached order also zeroes the intermediates' grads
     * and notes whether their data is finite: the next mg_backward then
     * skips its own zeroing pass (it checks only the leaves' data, listed
     * in topo_leaves).  fwd_fresh is cleared by anything else that writes
     * grads. */
    int fwd_fresh, fwd_finite;
    mg_value **topo_leaves;
    size_t n_topo_leaves, cap_topo_leaves;
    int leaves_ready;
    uint64_t generation;  /* bumped by every reset */

    /* fault injection for the tests: while nonzero, allocations of node
     * blocks and aux memory fail (the error paths must be testable) */
    int fail_allocs;

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

/* graph.c */
mg_value *mg__new_node(mg_graph *g, mg_op op);
/* Grow *arr (of *cap elements of `size` bytes) to hold at least `need`,
 * doubling; 1, or 0 when out of memory (*arr and *cap unchanged). */
int mg__grow(void **arr, size_t *cap, size_t need, size_t size);

/* Whether the next node can take the bump-pointer fast path: a free slot
 * in the current block and no open group to join. */
static inline int mg__can_bump(const mg_graph *g) {
    return g->next < g->limit && !g->n_open;
}
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
void *mg__aux_alloc(mg_graph *g, size_t bytes);
void mg__error(mg_graph *g, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A printable name for a node in messages: its label, or "#id". */
const char *mg__name(const mg_value *v, char buf[32]);
/* Give group `group` a new label (copied); 0, or -1 (error recorded). */
int mg__group_relabel(mg_graph *g, unsigned group, const char *label);

/* Member j's argument k in bundle b: 0 its bias, 1 + 2i its weight i,
 * 2 + 2i input i (the same node for every member). */
static inline mg_value *mg__member_arg(mg_value *const *topo, const mg_bundle *b, size_t j,
                                       size_t k) {
    return topo[b->pos + j * b->stride]->u.many.args[k];
}
/* The number of inputs each member of b has. */
static inline size_t mg__bundle_inputs(mg_value *const *topo, const mg_bundle *b) {
    return (topo[b->pos]->u.many.n - 1) / 2;
}

/* bundle.c: the bundles and packs of the cached order (0, or -1 when out
 * of memory); and the skip table's jumps made to stop above bundles */
int mg__build_bundles(mg_graph *g);
void mg__fit_skips_to_bundles(mg_graph *g);

/* replay.c: backward over the cached order of root (see mg_backward) */
void mg__backward_replayed(mg_graph *g, mg_value *root, int fresh);

/* backward.c */
mg_value **mg__topo(const mg_value *root, size_t *n);
/* Index of v in topo[0..n) (sorted by id, as mg__topo returns it), or n
 * when v is not there.  Binary search: O(log n). */
size_t mg__topo_index(mg_value *const *topo, size_t n, const mg_value *v);

#endif
