# The lecture's tanh neuron: two inputs, two weights, a bias.
# values: x1=2 x2=0 w1=-3 w2=1 b=6.8813735870195432
# The bias is chosen so that n = 0.8813735870195432 and o = tanh(n) = 1/sqrt(2);
# then do/dn = 1 - o^2 = 0.5, so dw1 = x1 * 0.5 = 1 and dx1 = w1 * 0.5 = -1.5.
#   mgrad eval --explain w1 -f neuron.mg x1=2 x2=0 w1=-3 w2=1 b=6.8813735870195432
n = x1*w1 + x2*w2 + b
o = tanh(n)
