# The expression of micrograd's README, with each "+=" written as a new name.
# values: a=-4 b=2
# Expect g = 24.70408163265306 (2421/98), dg/da = 138.83381924198252 (47620/343)
# and dg/db = 645.5772594752186 (221433/343).
c = a + b
d = a*b + b**3
c2 = c + c + 1
c3 = c2 + 1 + c2 + (-a)
d2 = d + d*2 + relu(b + a)
d3 = d2 + 3*d2 + relu(b - a)
e = c3 - d3
f = e**2
g0 = f / 2.0
g = g0 + 10.0 / f
