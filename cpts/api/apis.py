"""API views of `cpts`: one class per operation, nested Input/Output serializers."""
