"""API views of `regulation`: one class per operation, nested Input/Output serializers."""
