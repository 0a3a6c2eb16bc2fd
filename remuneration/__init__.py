"""WHO IS PAID WHAT, AND WHY: barèmes, computations, payment periods, bordereaux."""
