# The first expression of Karpathy's micrograd lecture: L = (a*b + c) * f.
# values: a=2 b=-3 c=10 f=-2
# Expect L = -8, and dL/da = 6, dL/db = -4, dL/dc = -2, dL/df = 4.
#   mgrad eval --trace -f lecture.mg a=2 b=-3 c=10 f=-2
e = a*b
d = e + c
L = d*f
