/* bundle.c -- finding the neurons of a replayed graph that can be
 * evaluated together (bundles), and the leaf weights they share (packs).
 * The loops that use them are in kernels.c.
 *
 * For each layer and point the fused MLP makes m neurons over the same
 * inputs x, each followed by its activation: N1 A1 N2 A2 ... in the order.
 * One at a time, each product w*x loads two pointers and two values, and
 * one neuron's sum waits on its previous term.  Together, each x is loaded
 * once for several products and several sums run side by side.  And when
 * the weights are leaves shared by many bundles (one layer, many points),
 * they are copied side by side once per walk (a pack), so the products read
 * them in a row with no pointer at all, and backward adds the weights'
 * grads there and stores them once at the end.
 *
 * Each sum and each grad is still taken in its own order, term by term, so
 * the numbers are the same bits as node by node. */
#include "fast/fast.h"

#include <stdlib.h>

/* Whether neuron v can join the bundle of `first` (whose id is first_id):
 * the same inputs x, and its bias and weights made before the bundle (none
 * is made inside it). */
static int joins_bundle(const mg_value *first, size_t first_id, const mg_value *v) {
    if (v->op != MG_OP_NEURON || v->u.many.n != first->u.many.n) return 0;
    mg_value *const *a = v->u.many.args, *const *f = first->u.many.args;
    if (mg__id(a[0]) >= first_id) return 0;
    for (size_t i = 1; i + 1 < v->u.many.n; i += 2)
        if (a[i + 1] != f[i + 1] || mg__id(a[i]) >= first_id) return 0;
    return 1;
}

/* The bundle that starts with the neuron at position p (m may be 1). */
static mg_bundle bundle_from(mg_value *const *topo, size_t n, size_t p) {
    const mg_value *first = topo[p];
    const size_t act = p + 1 < n && mg__activation_of(topo[p + 1], first), stride = 1 + act;
    const size_t first_id = mg__id(first);
    size_t m = 1;
    for (size_t q = p + stride; q < n && joins_bundle(first, first_id, topo[q]); q += stride) {
        if (act && !(q + 1 < n && mg__activation_of(topo[q + 1], topo[q]))) break;
        m++;
    }
    int relu = act;
    for (size_t j = 0; j < m && relu; j++) relu = topo[p + j * stride + 1]->op == MG_OP_RELU;
    return (mg_bundle){.pos = p, .m = m, .stride = stride, .last = p + m * stride - 1,
                       .relu = relu, .pack = SIZE_MAX, .whole = 0};
}

/* Set (set = 1) or clear MG_MARK on every bias, weight and input of b;
 * when setting, whether none was marked already, that is whether no node
 * repeats among them. */
static int mark_all(mg_value *const *topo, const mg_bundle *b, int set) {
    const size_t n_args = topo[b->pos]->u.many.n;
    int fresh = 1;
    for (size_t j = 0; j < b->m; j++)
        for (size_t a = 0; a < n_args; a++) {
            if (j > 0 && a > 0 && a % 2 == 0) continue;   /* the inputs, once */
            mg_value *v = mg__member_arg(topo, b, j, a);
            fresh &= !(v->flags & MG_MARK);
            v->flags = set ? v->flags | MG_MARK : v->flags & (uint8_t)~MG_MARK;
        }
    return fresh;
}

/* Whether no node repeats among b's biases, weights and inputs: each is
 * marked in turn, and a repeat finds its mark.  The marks are cleared. */
static int bundle_disjoint(mg_value *const *topo, const mg_bundle *b) {
    const int disjoint = mark_all(topo, b, 1);
    mark_all(topo, b, 0);
    return disjoint;
}

/* Node k of b's pack: the m biases, then per input the m weights. */
static mg_value *pack_node(mg_value *const *topo, const mg_bundle *b, size_t k) {
    if (k < b->m) return mg__member_arg(topo, b, k, 0);
    k -= b->m;
    return mg__member_arg(topo, b, k % b->m, 1 + 2 * (k / b->m));
}

/* The pack b's weights belong to: one of the last few made, or a new one;
 * SIZE_MAX when some bias or weight is not a leaf (its value could change
 * during the walk) or when out of memory. */
#define PACKS_LOOKED_AT 8
static size_t find_pack(mg_tape *t, const mg_bundle *b) {
    mg_value *const *topo = t->rec.order;
    const size_t n_in = mg__bundle_inputs(topo, b), size = b->m * (1 + n_in);
    for (size_t k = 0; k < size; k++)
        if (pack_node(topo, b, k)->op != MG_OP_LEAF) return SIZE_MAX;
    for (size_t q = t->n_packs; q-- > 0 && q + PACKS_LOOKED_AT >= t->n_packs;) {
        const mg_pack *pk = &t->packs[q];
        if (pk->m != b->m || pk->n_in != n_in) continue;
        size_t k = 0;
        while (k < size && t->pack_src[pk->at + k] == pack_node(topo, b, k)) k++;
        if (k == size) return q;
    }
    if (!mg__grow((void **)&t->packs, &t->cap_packs, t->n_packs + 1, sizeof *t->packs) ||
        !mg__grow((void **)&t->pack_src, &t->cap_pack_src, t->n_pack_src + size,
                  sizeof *t->pack_src))
        return SIZE_MAX;
    t->packs[t->n_packs] = (mg_pack){.m = b->m, .n_in = n_in, .at = t->n_pack_src};
    for (size_t k = 0; k < size; k++) t->pack_src[t->n_pack_src++] = pack_node(topo, b, k);
    return t->n_packs++;
}

/* A pack's node and the pack, for looking nodes up by address. */
typedef struct pack_entry {
    const mg_value *node;
    size_t pack;
} pack_entry;

static int entry_by_address(const void *a, const void *b) {
    uintptr_t x = (uintptr_t)((const pack_entry *)a)->node;
    uintptr_t y = (uintptr_t)((const pack_entry *)b)->node;
    return (x > y) - (x < y);
}

/* Set each pack's grads_ok: none of its nodes is in another pack or twice in
 * it, and every use of them other than as a bias or weight of its own
 * bundles is above its last bundle.  -1 when out of memory. */
static int check_pack_uses(mg_tape *t) {
    mg_value *const *topo = t->rec.order;
    const size_t n = t->rec.n;
    pack_entry *e = malloc((t->n_pack_src ? t->n_pack_src : 1) * sizeof *e);
    size_t *member_of = calloc(n, sizeof *member_of);   /* bundle + 1, or 0 */
    if (!e || !member_of) {
        free(e);
        free(member_of);
        return -1;
    }
    size_t n_e = 0;
    for (size_t q = 0; q < t->n_packs; q++) {
        const mg_pack *pk = &t->packs[q];
        for (size_t k = 0; k < pk->m * (1 + pk->n_in); k++)
            e[n_e++] = (pack_entry){t->pack_src[pk->at + k], q};
        t->packs[q].grads_ok = pk->users >= 2;
    }
    qsort(e, n_e, sizeof *e, entry_by_address);
    for (size_t k = 1; k < n_e; k++)
        if (e[k].node == e[k - 1].node) t->packs[e[k].pack].grads_ok = t->packs[e[k - 1].pack].grads_ok = 0;
    for (size_t k = 0; k < t->n_bundles; k++)
        for (size_t j = 0; j < t->bundles[k].m; j++)
            member_of[t->bundles[k].pos + j * t->bundles[k].stride] = k + 1;
    /* pack nodes are marked, so most inputs are ruled out with no search */
    for (size_t k = 0; k < n_e; k++) ((mg_value *)e[k].node)->flags |= MG_MARK;
    for (size_t p = 0; p < n; p++) {
        const mg_value *v = topo[p];
        const size_t own = member_of[p] ? t->bundles[member_of[p] - 1].pack : SIZE_MAX;
        for (size_t i = 0, arity = mg__arity(v); i < arity; i++) {
            if (own != SIZE_MAX && (i == 0 || i % 2 == 1)) continue;   /* its own pack's node */
            const pack_entry key = {mg__input(v, i), 0};
            if (!(key.node->flags & MG_MARK)) continue;
            const pack_entry *hit = bsearch(&key, e, n_e, sizeof *e, entry_by_address);
            if (p <= t->packs[hit->pack].hi) t->packs[hit->pack].grads_ok = 0;
        }
    }
    for (size_t k = 0; k < n_e; k++) ((mg_value *)e[k].node)->flags &= (uint8_t)~MG_MARK;
    free(e);
    free(member_of);
    return 0;
}

/* 0, or -1 when out of memory (then the walks go node by node). */
int mg__build_bundles(mg_tape *t) {
    mg_value *const *topo = t->rec.order;
    const size_t n = t->rec.n;
    t->n_bundles = t->n_packs = t->n_pack_src = 0;
    for (size_t p = 0; p < n;) {
        mg_bundle b = topo[p]->op == MG_OP_NEURON ? bundle_from(topo, n, p) : (mg_bundle){.m = 1};
        if (b.m < 2) {
            p++;
            continue;
        }
        if (!mg__grow((void **)&t->bundles, &t->cap_bundles, t->n_bundles + 1, sizeof *t->bundles))
            return -1;
        b.whole = bundle_disjoint(topo, &b);   /* and, below, its pack's grads_ok */
        b.pack = find_pack(t, &b);
        if (b.pack != SIZE_MAX) {
            t->packs[b.pack].users++;
            t->packs[b.pack].hi = b.last;
        }
        t->bundles[t->n_bundles++] = b;
        p = b.last + 1;
    }
    /* a pack used once saves nothing: its bundle reads the nodes */
    for (size_t k = 0; k < t->n_bundles; k++)
        if (t->bundles[k].pack != SIZE_MAX && t->packs[t->bundles[k].pack].users < 2)
            t->bundles[k].pack = SIZE_MAX;
    const size_t n_vals = t->n_pack_src ? t->n_pack_src : 1;
    t->pack_vals = malloc(n_vals * sizeof *t->pack_vals);
    t->pack_grads = malloc(n_vals * sizeof *t->pack_grads);
    if (!t->pack_vals || !t->pack_grads || check_pack_uses(t) < 0) {
        /* no packs then: bundles read their weights from the nodes */
        for (size_t k = 0; k < t->n_bundles; k++) t->bundles[k].pack = SIZE_MAX;
        t->n_packs = t->n_pack_src = 0;
    }
    /* a bundle walked node by node would add to its weights' own grads
     * while the pack holds them: then none of the pack's bundles goes whole */
    for (size_t k = 0; k < t->n_bundles; k++)
        if (t->bundles[k].pack != SIZE_MAX && !t->bundles[k].whole)
            t->packs[t->bundles[k].pack].grads_ok = 0;
    for (size_t k = 0; k < t->n_bundles; k++) {
        mg_bundle *b = &t->bundles[k];
        b->whole = b->whole && b->pack != SIZE_MAX && t->packs[b->pack].grads_ok;
    }
    return 0;
}

