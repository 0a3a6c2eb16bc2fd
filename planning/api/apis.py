"""API views of `planning`: one class per operation, nested Input/Output serializers."""
