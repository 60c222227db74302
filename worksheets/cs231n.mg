# CS231n, "Backpropagation, Intuitions": the 2-D sigmoid neuron
# f = sigmoid(w0*x0 + w1*x1 + w2), with w = [2, -3, -3] and x = [-1, -2].
# values: w0=2 x0=-1 w1=-3 x1=-2 w2=-3
# Expect f = 0.73 and the gradient on the inputs dx = [0.39, -0.59], on the
# weights dw = [-0.20, -0.39, 0.20], as the course notes print them.
dot = w0*x0 + w1*x1 + w2
f = sigmoid(dot)
