"""One module per notebook: what the notebook computes, and beside it what it shows.

``topic.py`` holds a notebook's computations and imports only NumPy and the core;
``topic_views.py`` holds its figures and its explorer, built with
:mod:`backprop_lib.display`. Import the modules directly; this file loads none of them.

=============================  ===========================  ==================================
notebook                       computations                 figures and explorer
=============================  ===========================  ==================================
01_single_neuron               ``single_neuron``            ``single_neuron_views``
02_logistic_regression         ``logistic_regression``      ``logistic_regression_views``
03_one_hidden_layer            ``one_hidden_layer``         ``one_hidden_layer_views``
04_deep_mlp                    ``deep_mlp``                 ``deep_mlp_views``
05_gradient_checking           ``gradient_checking``,       ``gradient_checking_views``
                               ``planted_mistakes``,
                               ``gradient_cost``
06_playground                  ``playground_settings``,     ``playground_views``,
                               ``playground``               ``playground_controls``,
                                                            ``playground_explorer``
07_autodiff                    ``autodiff_graph``,          ``autodiff_graph_views``
                               ``forward_mode``
08_softmax_digits              ``softmax_digits``           ``softmax_digits_views``
09_optimisers                  ``optimizers_lesson``        ``optimizers_views``
10_batchnorm_dropout           ``batchnorm_graph``,         ``normalisation_views``,
                               ``normalisation_lesson``,    ``normalisation_explorer``
                               ``capstone``
=============================  ===========================  ==================================
"""
