"""Login, permissions and data scope: one mechanism used by every view, export and job."""
