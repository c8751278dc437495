/* The analog core's model constants, in one place (reference bss2-chipmodel.md §2.5, §3.3, §5,
 * §10). Units: time µs, voltage V, capacitance pF, conductance µS, current µA (so
 * pF/µS = µs and µA/µS = V). Tags as in the reference: [FIT] an empirical fit, [INF]
 * inferred, [EST] estimated.
 */
#ifndef BSS2_ANALOG_H
#define BSS2_ANALOG_H

/* ---- CapMem cells ------------------------------------------------------------------------- */
/* Volts per LSB of a voltage cell [INF, ±30 %; the alternative reading is 1.2 V / 1023]. */
#define BSS2_AN_V_CAPMEM_LSB 1.76e-3
/* Drop of the source follower that buffers v_leak and v_reset [EST 0.3–0.6 V]. */
#define BSS2_AN_V_SOURCE_FOLLOWER 0.42
/* The membrane's rails [EST]: readouts clip softly within the last SOFT_CLIP volts. */
#define BSS2_AN_V_DD 1.2
#define BSS2_AN_SOFT_CLIP 0.05

/* ---- membrane ------------------------------------------------------------------------------ */
/* C = (membrane_capacitor_size + C_INTRINSIC) × C_LSB [SRC ~2.3 pF at 63; INF C_i ≈ 6.3 LSB]. */
#define BSS2_AN_C_LSB 0.036
#define BSS2_AN_C_INTRINSIC 6.3
/* τ_m at membrane_capacitor_size 63 vs the leak (or reset) bias code I [FIT]: A · I^-K; with
 * division A_DIV · I^-K_DIV; multiplication divides τ by MULTIPLICATION; degeneration halves the
 * conductance [EST]. Codes below 1 count as 1 (the OTA's floor). */
#define BSS2_AN_TAU_LEAK_A 242.0
#define BSS2_AN_TAU_LEAK_K 0.72
#define BSS2_AN_TAU_LEAK_DIV_A 851.0
#define BSS2_AN_TAU_LEAK_DIV_K 0.59
#define BSS2_AN_LEAK_MULTIPLICATION 8.0
#define BSS2_AN_LEAK_DEGENERATION 0.5
/* Constant current i_mem_offset: µA per LSB [EST 0.1–1 nA/LSB]. */
#define BSS2_AN_I_OFFSET_LSB 1.0e-4
/* Hold-off ticks of the refractory period: 31 - 2 × reset_holdoff, at most the period. */
#define BSS2_AN_HOLDOFF_BASE 31u

/* ---- synaptic inputs ----------------------------------------------------------------------- */
/* τ_syn vs i_bias_synin_{exc,inh}_tau [FIT, read as the large-capacitance mode]: A · I^-K;
 * enable_small_capacitance (the lola default) divides τ by SMALL_CAPACITANCE and multiplies
 * the current step of an event by it (same charge on a smaller line capacitance);
 * enable_high_resistance multiplies τ by HIGH_RESISTANCE [EST]. */
#define BSS2_AN_TAU_EXC_A 998.0
#define BSS2_AN_TAU_EXC_K 0.953
#define BSS2_AN_TAU_INH_A 979.0
#define BSS2_AN_TAU_INH_K 0.968
#define BSS2_AN_SMALL_CAPACITANCE 4.0
#define BSS2_AN_HIGH_RESISTANCE 4.0
/* Peak current per weight LSB at syn_i_bias_dac DAC_REF and i_bias_synin_gm GM_REF with the
 * small capacitance [FIT: I_peak/g_L ≈ 0.75 CADC LSB ≈ 3.2 mV per LSB at g_L of τ_m = 10 µs,
 * C = 63]; linear in both biases [EST]. */
#define BSS2_AN_I_SYN_LSB 0.8e-3
#define BSS2_AN_DAC_REF 600.0
#define BSS2_AN_GM_REF 500.0
/* The input OTA saturates: I = I_SAT · tanh(I_lin / I_SAT), I_SAT = SAT_WEIGHTS full-weight
 * steps at the reference biases [EST 3–5]. */
#define BSS2_AN_SAT_WEIGHTS (4.0 * 63.0)

/* ---- AdEx terms (§2.1 structure [EST]; transfer [EST], anchored on the AdEx tutorial's
 * defaults: leak 700 / i_bias 70, threshold 620, exponential v_exp 900 / i_bias 300, adaptation
 * τ 100, a 100, b 200 at clock_scale_adaptation_pulse 7, v_ref 500, offset 300) ------------- */
/* Exponential term I_exp = EXP_I_LSB · i_bias_exp · e^((V - V_T) / Δ_T), V_T = v_exp minus the
 * source follower; i_bias_exp scales the current, so it also moves the onset (by Δ_T ln ratio),
 * the interaction the tutorial mentions. Capped at EXP_I_MAX (the circuit's own limit). */
#define BSS2_AN_EXP_I_LSB 2.0e-5
#define BSS2_AN_EXP_DELTA_T 0.03
#define BSS2_AN_EXP_I_MAX 2.0
/* Adaptation: τ_w dw/dt = -w + a (V - E_a), w += b per adaptation pulse, w subtracted from the
 * membrane's current. τ_w = TAU_ADAPT_A · I^-TAU_ADAPT_K (100 µs at 100, hxtorch's default
 * τ_w); a = ADAPT_A_LSB · i_bias_adapt_a (a(100) ≈ g_L at leak bias 70), sign
 * invert_adaptation_a; b = ADAPT_B_LSB · i_bias_adapt_b · 2^(clock_scale_adaptation_pulse -
 * ADAPT_PULSE_REF) (the pulse's length), sign invert_adaptation_b. E_a = v_adapt_leak +
 * ADAPT_LEAK_SHIFT LSB minus the source follower (the tutorial's rule adaptation_v_leak =
 * leak_v_leak - 200 is free of offset currents). The state voltage V_w = v_adapt_ref - source
 * follower + w / ADAPT_G_WM stays within the rails, which bounds w. */
#define BSS2_AN_TAU_ADAPT_A 2512.0
#define BSS2_AN_TAU_ADAPT_K 0.7
#define BSS2_AN_ADAPT_A_LSB 2.0e-3
#define BSS2_AN_ADAPT_B_LSB 5.0e-5
#define BSS2_AN_ADAPT_PULSE_REF 7
#define BSS2_AN_ADAPT_LEAK_SHIFT 200.0
#define BSS2_AN_ADAPT_G_WM 0.1
/* COBA inputs: I = I_cuba · σ (E_rev - V) (excitatory; inhibitory σ (V - E_rev)), σ =
 * COBA_LSB · i_bias_synin_x_coba per volt (σ = 1/(E_rev - E_ref), §2.1), E_rev =
 * e_synin_x_rev minus the source follower. */
#define BSS2_AN_COBA_LSB 0.01
/* Steps of a neuron with any of these on (adex.c step_cycles): at most STEP_MAX cycles; the
 * frozen currents (exponential, adaptation, COBA) drifting by at most STEP_DRIFT · g_L Δ_T over
 * a step at their present rates, though the membrane may always move by STEP_DV · Δ_T; at most
 * STEP_COUPLING of τ_w and of the COBA inputs' C/g; at least one. With these an adapting
 * exponential neuron's spike times agree with Runge-Kutta to 0.03 % (csrc/tests/test_adex.c). */
#define BSS2_AN_STEP_MAX 256u
#define BSS2_AN_STEP_DV 0.05
#define BSS2_AN_STEP_DRIFT 0.05
#define BSS2_AN_STEP_COUPLING 0.02

/* ---- short-term plasticity (§3.1-3.2 [EST]) ----------------------------------------------- */
/* Per driver a state voltage V: at an event it first recovers towards v_recover (time constant
 * STP_TICK × 2^recovery_clock_speed × 64 / (recovery + 1), with the block's recovery clock and
 * the driver's enable_recovery; else not at all), then moves the fraction
 * U = STP_U0 + STP_U_SLOPE × utilization / 15 towards v_charge; the pulse width, and so the
 * synaptic current, is (STP_V_TOP - V) / (STP_V_TOP - STP_V_NORM), clipped to [0, STP_MAX] (the
 * ramp comparator: a higher state voltage, a shorter pulse). A driver starts at v_recover.
 * Target set select_target_voltages i: stp_v_charge_i, stp_v_recover_i of the driver's CapMem
 * block (its synram's west block for even drivers, east for odd). calix's sets: 0 (charge 100,
 * recover 400) facilitates, 1 (charge 330, recover 50) depresses. */
#define BSS2_AN_STP_TICK 0.064 /* µs */
#define BSS2_AN_STP_U0 0.02
#define BSS2_AN_STP_U_SLOPE 0.4
#define BSS2_AN_STP_V_TOP 0.75
#define BSS2_AN_STP_V_NORM 0.088
#define BSS2_AN_STP_MAX 2.0

/* ---- readout ------------------------------------------------------------------------------ */
/* The synaptic input lines as a readout sees them [EST]: SYNIN_REST, falling by SYNIN_R volts per
 * µA of excitatory current, rising so for inhibitory current (an excitatory event makes the
 * exc_synin trace dip). */
#define BSS2_AN_SYNIN_REST 0.7
#define BSS2_AN_SYNIN_R 0.5
/* MADC: code = (V - MADC_V0) / MADC_LSB [INF ≈ 1.2 mV/LSB over ≈ 0–1.2 V], with a chip-wide
 * offset and gain mismatch. */
#define BSS2_AN_MADC_V0 0.0
#define BSS2_AN_MADC_LSB 1.2e-3

/* CADC [EST shapes; INF numbers: calix maps CapMem voltages 70..550 LSB to 20..220, so
 * ≈ 4.22 mV per CADC LSB]: code = (V - V0) / q with q = CADC_Q_REF × CADC_SLOPE_REF /
 * cadc_i_ramp_slope and V0 = V_CAPMEM_LSB × cadc_v_ramp_offset - CADC_V0_DROP (offset 400:
 * V0 ≈ 39 mV), then the channel's offset; a ramp of slope code 0 never crosses (255). */
#define BSS2_AN_CADC_Q_REF 4.22e-3
#define BSS2_AN_CADC_SLOPE_REF 350.0
#define BSS2_AN_CADC_V0_DROP 0.665
/* The correlation storage before any correlation: its reset level as the CADC sees it
 * (≈ 200 at the reference ramp; reference §4: "baseline ≳ 120 ... e.g. 200-220"). */
#define BSS2_AN_CORRELATION_BASELINE 0.883

/* ---- correlation sensors (§4 [EST form; calix's targets]) --------------------------------- */
/* Per synapse, nearest neighbour: a post pulse adds η e^(-Δt/τ) (Δt since the synapse's last
 * pre event) to the causal storage, a pre event η e^(-Δt/τ) (since the column's last post pulse)
 * to the acausal one; each lowers its CADC read. η = CORR_ETA (0.5 CADC LSB at the reference ramp,
 * calix's target) · syn_i_bias_store / CORR_STORE_REF / (1 + CORR_AMP_CALIB · amp_calib);
 * τ = CORR_TAU (calix's 5 µs) · CORR_RAMP_REF / syn_i_bias_ramp / (1 + CORR_TIME_CALIB ·
 * time_calib); a quadrant with either bias at 0 does not accumulate. The storage saturates
 * softly, A_MAX (1 - e^(-A/A_MAX)), below its reset level. */
#define BSS2_AN_CORR_ETA 2.1e-3 /* V */
#define BSS2_AN_CORR_TAU 5.0    /* µs */
#define BSS2_AN_CORR_STORE_REF 500.0
#define BSS2_AN_CORR_RAMP_REF 500.0
#define BSS2_AN_CORR_AMP_CALIB 0.5
#define BSS2_AN_CORR_TIME_CALIB 0.5
#define BSS2_AN_CORR_A_MAX 0.6 /* V */

/* ---- temporal noise (§5.3 [EST]) ------------------------------------------------------------ */
#define BSS2_AN_NOISE_MADC 1.5 /* LSB per sample */
#define BSS2_AN_NOISE_CADC 0.7 /* LSB per read */
/* Membrane noise, σ_V at rest (§5.3: 1.0-1.5 mV). Decision: it acts where it is observed, and the
 * integration between events stays exact and deterministic. The readouts (MADC, CADC) see the
 * membrane plus a noise of σ_V whose correlation time is the neuron's τ_m (Gaussian knots one
 * τ_m apart, interpolated linearly with the variance kept; keyed by the seed, the neuron and the
 * FPGA time, so every run draws anew and the same program on the same seed gives the same
 * bytes). The threshold comparator sees it as an offset of σ_V drawn anew at every reset of the
 * neuron, so spike times jitter from trial to trial. */
#define BSS2_AN_NOISE_MEMBRANE 1.2e-3 /* V */

/* ---- mismatch (σ of the fixed pattern, per circuit; §5.2 [EST]) ---------------------------- */
#define BSS2_AN_MM_SOURCE_FOLLOWER 0.015 /* V, leak and reset levels */
#define BSS2_AN_MM_RESET 0.005           /* V, reset level on top */
#define BSS2_AN_MM_COMPARATOR 0.010      /* V, threshold */
#define BSS2_AN_MM_G_LEAK 0.20           /* log-normal gain */
#define BSS2_AN_MM_G_RESET 0.20
#define BSS2_AN_MM_C 0.03
#define BSS2_AN_MM_TAU_SYN 0.20 /* log-normal, excitatory and inhibitory apart */
#define BSS2_AN_MM_GM 0.15
#define BSS2_AN_MM_V_EXP 0.015  /* V, exponential onset */
#define BSS2_AN_MM_DELTA_T 0.15 /* log-normal, slope */
#define BSS2_AN_MM_ADAPT 0.25   /* log-normal, τ_w, a and b apart */
#define BSS2_AN_MM_SYNAPSE 0.05 /* per synapse DAC gain */
#define BSS2_AN_MM_CADC_OFFSET 8.0  /* LSB per channel */
#define BSS2_AN_MM_CADC_GAIN 0.02
#define BSS2_AN_MM_BASELINE 0.025  /* V per synapse (≈ 6 CADC LSB) */
#define BSS2_AN_MM_CORR_ETA 0.25   /* log-normal, per synapse */
#define BSS2_AN_MM_CORR_TAU 0.20
#define BSS2_AN_MM_MADC_OFFSET 10.0 /* LSB */
#define BSS2_AN_MM_MADC_GAIN 0.02
#define BSS2_AN_MM_TRUNCATE 4.0 /* draws are truncated at ±4 σ */

#endif /* BSS2_ANALOG_H */
