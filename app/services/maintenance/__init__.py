"""System maintenance (manual 9.7, 9.8): verified backups, safe restore, selective initialisation, the audit trail."""
