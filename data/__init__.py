"""The data layer: what the estate declares (``model``, read from the stack file by ``config``) and
what AWS and MongoDB Atlas are (``catalogue``: metrics, limits, resource types, regions, each fact
with the documentation page it comes from).

Nothing here imports Pulumi or the policy SDK: components, the program, the policy pack and the
tools all read this layer, and it reads none of them.
"""
