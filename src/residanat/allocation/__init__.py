"""The allocation pipeline shared by the choice of posts, the rotation periods and the deployment:
wish lists, seats, and the recording of an engine's placements (the engine and the instance
building are in `matching/pipeline.py`). It imports no domain app: each app hands it its models
and messages."""
