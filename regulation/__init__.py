"""THE CALL: dossiers from pick-up to the patient seen, orientations, bookings, surnuméraire."""
