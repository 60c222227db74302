# CS231n, "Backpropagation, Intuitions": the staged example
# f(x, y) = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2), built gate by gate.
# values: x=3 y=-4
sigy = sigmoid(y)
num = x + sigy
sigx = sigmoid(x)
xpy = x + y
xpysqr = xpy**2
den = sigx + xpysqr
invden = 1 / den
f = num * invden
