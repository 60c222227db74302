# Matt Mazur's "A Step by Step Backpropagation Example": two inputs, two hidden
# neurons, two outputs, the logistic sigmoid everywhere, and the error
# E_total = 1/2 (target_o1 - out_o1)^2 + 1/2 (target_o2 - out_o2)^2.
# values: i1=0.05 i2=0.10 w1=0.15 w2=0.20 w3=0.25 w4=0.30 w5=0.40 w6=0.45 w7=0.50 w8=0.55 b1=0.35 b2=0.60 target_o1=0.01 target_o2=0.99
# Expect E_total = 0.298371109 and dE_total/dw5 = 0.082167041, as the post prints.
net_h1 = w1*i1 + w2*i2 + b1
net_h2 = w3*i1 + w4*i2 + b1
out_h1 = sigmoid(net_h1)
out_h2 = sigmoid(net_h2)
net_o1 = w5*out_h1 + w6*out_h2 + b2
net_o2 = w7*out_h1 + w8*out_h2 + b2
out_o1 = sigmoid(net_o1)
out_o2 = sigmoid(net_o2)
E_o1 = 0.5 * (target_o1 - out_o1)**2
E_o2 = 0.5 * (target_o2 - out_o2)**2
E_total = E_o1 + E_o2
