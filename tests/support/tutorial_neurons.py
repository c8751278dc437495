"""Neuron parameters the pynn_frontend tests share (raw HXNeuron parameters)."""

#: The BrainScaleS-2 tutorial's leak-over-threshold neuron (ts_00, part 2).
LEAK_OVER_THRESHOLD = {
    "leak_v_leak": 1000,
    "leak_i_bias": 150,
    "threshold_v_threshold": 300,
    "threshold_enable": True,
    "reset_v_reset": 400,
    "reset_i_bias": 1022,
    "reset_enable_multiplication": True,
    "membrane_capacitance_capacitance": 63,
    "refractory_period_refractory_time": 255,
}

#: Both synaptic inputs on, current-based.
SYNAPTIC_INPUT = {
    "excitatory_input_enable": True,
    "excitatory_input_i_bias_tau": 200,
    "excitatory_input_i_bias_gm": 500,
    "inhibitory_input_enable": True,
    "inhibitory_input_i_bias_tau": 200,
    "inhibitory_input_i_bias_gm": 500,
}
