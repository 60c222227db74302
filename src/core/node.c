/* node.c -- reading a node: its op's name and symbol, its inputs, its
 * local derivatives (the op table in ops.h does the math). */
#include "core/ops.h"

static const struct {
    const char *name, *symbol;
} op_info[MG_OP_COUNT] = {
#define MG_INFO_ROW_(name, str, sym, arity) {str, sym},
    MG_OP_LIST(MG_INFO_ROW_)
#undef MG_INFO_ROW_
};

const char *mg_op_name(mg_op op) {
    return (unsigned)op < MG_OP_COUNT ? op_info[op].name : "?";
}

const char *mg_op_symbol(mg_op op) {
    return (unsigned)op < MG_OP_COUNT ? op_info[op].symbol : "?";
}

/* A node a reset dropped reads as NULL does (and the graph records why). */
static int usable(const char *fn, const mg_value *v) {
    return v && !mg__refuse_dropped(fn, v, 0, 0);
}

mg_op mg_value_op(const mg_value *v) {
    return usable("mg_value_op", v) ? (mg_op)v->op : MG_OP_LEAF;
}

size_t mg_value_arity(const mg_value *v) { return usable("mg_value_arity", v) ? mg__arity(v) : 0; }

mg_value *mg_value_input(const mg_value *v, size_t i) {
    return usable("mg_value_input", v) && i < mg__arity(v) ? mg__input(v, i) : NULL;
}

double mg_value_exponent(const mg_value *v) {
    return usable("mg_value_exponent", v) && v->op == MG_OP_POW ? v->u.pow.k : 0.0;
}

double mg_local_grad(const mg_value *v, size_t i) {
    return usable("mg_local_grad", v) && i < mg__arity(v) ? mg__local_grad(v, i) : 0.0;
}

